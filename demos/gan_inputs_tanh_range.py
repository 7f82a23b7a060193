"""Interview question: why normalize images to [-1, 1] and end the generator
with tanh?

Because real and fake samples must live in the same range. A generator that
ends with tanh can only output values in [-1, 1]. Toy 16-pixel "images"
(smooth random waves, pixel values 0-255) are fed to the same small GAN
three ways: normalized to [-1, 1] with (x - 127.5) / 127.5, raw in [0, 255],
and scaled to [0, 1]. Raw pixels lie outside anything tanh can produce: D
separates real from fake perfectly and G cannot follow. [0, 1] is inside
tanh's range and trains too, so "cannot converge otherwise" is an
overstatement: what matters is that the ranges match.
"""

from __future__ import annotations

META = {
    "id": "gan_inputs_tanh_range",
    "title": {"en": "Inputs in [-1, 1] to match a tanh generator",
              "zh": "输入归一化到 [-1, 1]，与 tanh 生成器匹配"},
    "claim": {"en": "Normalize images to [-1, 1] with (images - 127.5) / 127.5 and use tanh as the generator's last activation; unnormalized images cannot converge.",
              "zh": "将输入图片用 (images - 127.5) / 127.5 归一化到 [-1, 1]，生成器最后一层使用 Tanh；没有处理过的图片是没办法收敛的。"},
    "claims": ["gan_inputs_tanh_range"],
    "verdict": "true",
    "treatment": {"en": "real images normalized to [-1, 1] (off: raw pixels in [0, 255] in that arm too)",
                  "zh": "真实图片归一化到 [-1, 1]（关闭：该分支也用 [0, 255] 的原始像素）"},
    "long": False,
}

PIXELS = 16
Z_DIM = 8
WIDTH = 32
BATCH = 64
STEPS = 200      # G steps, one D step each
LR = 2e-3        # Adam, betas (0.5, 0.999)


def run(ctx):
    import math

    import torch
    import torch.nn.functional as F
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    grid = torch.arange(PIXELS, dtype=torch.float32)

    def images(n, gen):
        # Smooth waves with random frequency and phase, 8-bit pixel values in [0, 255].
        freq = 0.2 + 0.4 * torch.rand(n, 1, generator=gen)
        phase = 2 * math.pi * torch.rand(n, 1, generator=gen)
        return torch.round(127.5 + 120 * torch.sin(freq * grid + phase))

    scalings = {  # name: (to the GAN's input scale, width of that scale's full range)
        "[-1, 1]: (x - 127.5) / 127.5": ((lambda x: (x - 127.5) / 127.5), 2.0),
        "raw [0, 255]": ((lambda x: x), 255.0),
        "[0, 1]: x / 255": ((lambda x: x / 255), 1.0),
    }
    if not ctx.treatment:
        scalings["[-1, 1]: (x - 127.5) / 127.5"] = scalings["raw [0, 255]"]
    out, curves = {}, {}
    for ai, (name, (scale, span)) in enumerate(scalings.items()):
        torch.manual_seed(ctx.seed)   # the same networks for every arm
        g = nn.Sequential(nn.Linear(Z_DIM, WIDTH), nn.ReLU(), nn.Linear(WIDTH, PIXELS), nn.Tanh())
        d = nn.Sequential(nn.Linear(PIXELS, WIDTH), nn.LeakyReLU(0.2), nn.Linear(WIDTH, 1))
        opt_d = kit.Adam(d.parameters(), LR, betas=(0.5, 0.999))
        opt_g = kit.Adam(g.parameters(), LR, betas=(0.5, 0.999))
        gen = kit.generator(ctx, 1)
        dist = []
        for _ in range(STEPS):
            real = scale(images(BATCH, gen))
            fake = g(torch.randn(BATCH, Z_DIM, generator=gen))
            d_loss = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
            opt_d.step(torch.autograd.grad(d_loss, opt_d.params))
            g_loss = F.softplus(-d(fake)).mean()
            opt_g.step(torch.autograd.grad(g_loss, opt_g.params))
            with torch.no_grad():
                # Distance between the pixel-value distributions (1-D W1 of sorted values),
                # as a share of the range the data is expressed in.
                dist.append((real.flatten().sort()[0] - fake.flatten().sort()[0]).abs().mean().item() / span)
        with torch.no_grad():
            gen_eval = kit.generator(ctx, 2)
            real = scale(images(1000, gen_eval))
            fake = g(torch.randn(1000, Z_DIM, generator=gen_eval))
            acc = ((d(real) > 0).float().mean().item() + (d(fake) < 0).float().mean().item()) / 2
        out[name] = {"dist": sum(dist[-30:]) / 30, "acc": acc, "fake_max": fake.max().item()}
        curves[name] = dist
        ctx.progress((ai + 1) / len(scalings), name)

    norm, raw, unit = (out[n] for n in scalings)
    names = {"[-1, 1]: (x - 127.5) / 127.5": {"en": "[-1, 1]: (x - 127.5) / 127.5", "zh": "[-1, 1]：(x - 127.5) / 127.5"},
             "raw [0, 255]": {"en": "raw [0, 255]", "zh": "原始值 [0, 255]"},
             "[0, 1]: x / 255": {"en": "[0, 1]: x / 255", "zh": "[0, 1]：x / 255"}}
    rows = [[names[n], round(o["dist"], 4), round(o["acc"], 3)] for n, o in out.items()]
    checks = [
        Check({"en": "[-1, 1]: pixel distribution distance < 0.15 of the range",
               "zh": "[-1, 1]：像素分布距离 < 取值范围的 0.15"}, norm["dist"], "<", 0.15),
        # As an error rate, so that the margin is relative to the 1% allowed.
        Check({"en": "raw [0, 255]: D is wrong (real vs fake) < 1% of the time",
               "zh": "原始值 [0, 255]：判别器区分真假出错的比例 < 1%"}, 1 - raw["acc"], "<", 0.01),
        Check({"en": "raw [0, 255]: distance > 4 x the [-1, 1] run's", "zh": "原始值 [0, 255]：距离 > 4 × [-1, 1] 那次运行的"}, raw["dist"], ">", norm["dist"], factor=4),
        Check({"en": "[0, 1] (inside tanh's range) trains too: distance < 0.5 x the raw run's",
               "zh": "[0, 1]（在 tanh 值域内）也能训练：距离 < 0.5 × 原始值那次运行的"}, unit["dist"], "<", raw["dist"], factor=0.5),
    ]
    step = max(1, STEPS // 100)
    return DemoResult(
        settings={"images": {"en": f"{PIXELS} pixels, smooth random waves, 8-bit values",
                             "zh": f"{PIXELS} 个像素，平滑的随机波形，8 位取值"},
                  "G": {"en": f"MLP {Z_DIM}-{WIDTH}-{PIXELS}, tanh", "zh": f"MLP {Z_DIM}-{WIDTH}-{PIXELS}，tanh"},
                  "D": {"en": f"MLP {PIXELS}-{WIDTH}-1 LeakyReLU", "zh": f"MLP {PIXELS}-{WIDTH}-1，LeakyReLU"},
                  "steps": STEPS, "batch": BATCH,
                  "optimizer": {"en": f"Adam lr {LR}, betas (0.5, 0.999)", "zh": f"Adam 学习率 {LR}，betas (0.5, 0.999)"},
                  "distance": {"en": "W1 between real and fake pixel values / width of the data's range (mean of last 30 steps)",
                               "zh": "真实与生成像素值之间的 W1 / 数据取值范围的宽度（最后 30 步的均值）"}},
        labels={**names, "images": {"en": "images", "zh": "图像"}, "distance": {"en": "distance", "zh": "距离"}},
        table=Table(columns=[{"en": "real images scaled to", "zh": "真实图像缩放到"},
                             {"en": "pixel distance (share of range)", "zh": "像素距离（占取值范围的比例）"},
                             {"en": "D accuracy", "zh": "判别器准确率"}], rows=rows),
        checks=checks,
        finding={
            "en": (f"Normalized to [-1, 1], G's pixel values end {norm['dist']:.3f} of the range from the real ones. "
                   f"Raw in [0, 255], the distance stays at {raw['dist']:.2f} and D is right {100 * raw['acc']:.1f}% of the "
                   f"time: tanh tops out at 1 (largest fake pixel {raw['fake_max']:.2f}), so no fake can look real. Scaled "
                   f"to [0, 1], inside tanh's range, it trains too, more slowly here ({unit['dist']:.3f}): matching ranges "
                   "is what matters; [-1, 1] centred on 0 uses all of tanh and is the easiest target."),
            "zh": (f"归一化到 [-1, 1] 时，生成器的像素值最终与真实值相差 {norm['dist']:.3f}（占取值范围的比例）。使用 [0, 255] 的原始像素时，"
                   f"差距停在 {raw['dist']:.2f}，判别器 {100 * raw['acc']:.1f}% 的情况下都判对：tanh 最大只能输出 1（生成像素的最大值为 "
                   f"{raw['fake_max']:.2f}），任何生成样本都不可能像真的。缩放到 tanh 值域之内的 [0, 1] 也能训练，"
                   f"这里稍慢（{unit['dist']:.3f}）：关键是取值范围一致；以 0 为中心的 [-1, 1] 用满了 tanh 的值域，是最容易拟合的目标。"),
        },
        curves=[Curve(title={"en": "Distance between real and fake pixel values", "zh": "真实与生成像素值之间的距离"},
                      x_label={"en": "step", "zh": "步数"},
                      y_label={"en": "share of the data's range", "zh": "占数据取值范围的比例"}, log_y=True, x=[float(i) for i in range(0, STEPS, step)],
                      series={n: [max(v, 1e-6) for v in c[::step]] for n, c in curves.items()})],
    )
