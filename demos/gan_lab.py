"""Interview question: what is mode collapse, and which tricks fight it? The GAN lab.

The benchmark of the Unrolled GAN (Metz et al. 2017), VEEGAN (Srivastava et
al. 2017) and PacGAN (Lin et al. 2018) papers, at CPU size: a mixture of 8
Gaussians on a ring of radius 2. A small MLP GAN (non-saturating loss, Adam)
collapses in the papers only after tens of thousands of steps; within a
10-second budget it does not (an earlier version of this demo trained 1,200
steps with equal learning rates: 8 of 8 modes covered on every seed). So the
baseline here is a GAN set up to collapse fast, and honestly labelled so: its
generator learns 10 x faster than its discriminator (the opposite of TTUR),
so that G chases whatever region D currently rates highest with all of its
samples at once, before D can push back. Then, with the same learning rates:

  - packing (PacGAN4, Lin et al. 2018): D judges 4 samples at once, so a
    pack of near-identical samples looks fake;
  - minibatch standard deviation (Karras et al. 2018, a simple form of the
    minibatch discrimination of Salimans et al. 2016): D also sees how
    spread out the batch is.

Both give D a view of the batch's diversity, which a single-sample D lacks:
that is what the claim ("several GANs or packed samples avoid mode
collapse") rests on. Every variant runs RUNS independent GANs side by side
(one batched computation).

Scored per run on 2,000 samples: a sample hits a mode when it lies within
HIT of its centre (a quarter of the distance between neighbouring modes);
a mode is covered when it gets at least a quarter of its fair share of hits
(2,000 / 8 / 4). "Spread" is the samples' standard deviation (the root of
the covariance's trace) over the data's (2.0): about 1 when G covers the
ring, near 0 when it collapses onto one spot.
"""

from __future__ import annotations

META = {
    "id": "gan_lab",
    "title": {"en": "GAN lab: mode collapse on a ring of 8 Gaussians, and two fixes",
              "zh": "GAN 实验室：环上 8 个高斯的模式崩溃，以及两种对策"},
    "claim": {"en": "Use several GANs, generators or discriminators (or packed samples, PacGAN) to make GAN training more stable and avoid mode collapse.",
              "zh": "可以使用多个 GAN / 多生成器 / 多判别器结构（或打包样本，PacGAN）来让 GAN 训练更稳定，避免 mode collapse。"},
    "claims": ["gan_multiple_gans_mode_collapse"],
    "verdict": "nuanced",
    "treatment": {"en": "packing and the minibatch standard deviation (off: both variants train as the baseline)",
                  "zh": "样本打包和小批量标准差（关闭：两个变体都按基线训练）"},
    "long": True,
    "refs": [
        "Metz, Poole, Pfau & Sohl-Dickstein 2017, Unrolled Generative Adversarial Networks, ICLR",
        "Lin, Khetan, Fanti & Oh 2018, PacGAN: The power of two samples in generative adversarial networks, NeurIPS",
        "Karras, Aila, Laine & Lehtinen 2018, Progressive Growing of GANs, ICLR (minibatch standard deviation)",
        "Salimans et al. 2016, Improved Techniques for Training GANs, NeurIPS (minibatch discrimination)",
    ],
}

MODES, RADIUS, STD = 8, 2.0, 0.05   # the ring; std 0.05 (Metz et al.: 0.02) so samples sharpen in budget
RUNS = 4             # independent GANs per variant, trained side by side
STEPS = 700          # G steps (one D step each)
BATCH = 128
WIDTH, Z_DIM = 64, 2
LR_G, LR_D = 2e-3, 2e-4   # G 10 x faster than D: the fast-collapsing baseline
PACK = 4
N_EVAL = 2000
HIT = 0.38           # a quarter of the distance between neighbouring modes (1.53)
DATA_SPREAD = RADIUS  # std of the ring's samples: sqrt(trace of the covariance) = radius
# Thresholds, from a sweep over seeds 0-9 on the CPU (4 runs each, 40 GANs per variant):
COLLAPSED_MAX = 2.0  # baseline: mean modes covered per run below this (the sweep: 0-1 of 8 on every seed)
FIXED_MIN = 5.5      # minibatch std: mean modes covered above this (the sweep: 6.5-8 of 8)
# and packing's spread was 2.6-5.6 x the baseline's (the check asks for 2 x: a margin of 31%).

VARIANTS = {   # name: (pack, minibatch std)
    "baseline (G 10x faster than D)": (1, False),
    f"packing (PacGAN{PACK})": (PACK, False),
    "minibatch std (Karras et al.)": (1, True),
}


def run(ctx):
    import math

    import torch
    import torch.nn.functional as F

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Scatter, Table

    kit.setup(ctx)
    angles = torch.arange(MODES, dtype=torch.float32) * 2 * math.pi / MODES
    centers = torch.stack([RADIUS * torch.cos(angles), RADIUS * torch.sin(angles)], dim=1)

    def real_batch(n: int, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(MODES, (RUNS, n), generator=gen)
        return centers[idx] + STD * torch.randn(RUNS, n, 2, generator=gen)

    def param(*shape: int, fan_in: int) -> torch.Tensor:
        bound = 1 / math.sqrt(fan_in)
        return (torch.rand(RUNS, *shape) * 2 - 1).mul_(bound).requires_grad_()

    def mlp(sizes: list[int]) -> list[list[torch.Tensor]]:
        # RUNS independent MLPs: per layer a weight [RUNS, in, out] and a bias [RUNS, 1, out].
        return [[param(a, b, fan_in=a), param(1, b, fan_in=a)] for a, b in zip(sizes, sizes[1:])]

    def forward(layers, x, act):
        for i, (w, b) in enumerate(layers):
            x = torch.baddbmm(b, x, w)
            if i < len(layers) - 1:
                x = act(x)
        return x

    def score(samples: torch.Tensor) -> tuple[list[int], list[float]]:
        dist = torch.cdist(samples, centers.expand(RUNS, -1, -1))     # [RUNS, N, MODES]
        hits = (dist < HIT).sum(dim=1)                                # [RUNS, MODES]
        modes = (hits >= N_EVAL / MODES / 4).sum(dim=1).tolist()
        spread = (samples.var(dim=1).sum(dim=1).sqrt() / DATA_SPREAD).tolist()
        return [int(m) for m in modes], spread

    leaky = lambda x: F.leaky_relu(x, 0.2)   # noqa: E731
    results = {}
    variants = list(VARIANTS.items())
    for vi, (name, (pack, mbstd)) in enumerate(variants):
        if not ctx.treatment:
            pack, mbstd = 1, False
        torch.manual_seed(ctx.seed)   # the same G and data stream for every variant
        g_layers = mlp([Z_DIM, WIDTH, WIDTH, 2])
        d_layers = mlp([2 * pack + int(mbstd), WIDTH, WIDTH, 1])
        g_params = [p for layer in g_layers for p in layer]
        d_params = [p for layer in d_layers for p in layer]
        opt_g, opt_d = kit.Adam(g_params, LR_G, betas=(0.5, 0.999)), kit.Adam(d_params, LR_D, betas=(0.5, 0.999))
        gen = kit.generator(ctx, 1)

        def d_logits(x: torch.Tensor) -> torch.Tensor:
            if pack > 1:   # PacGAN: D judges `pack` samples at once, concatenated
                x = x.reshape(RUNS, x.shape[1] // pack, 2 * pack)
            if mbstd:      # one more input: the batch's mean standard deviation
                s = x.std(dim=1, keepdim=True).mean(dim=2, keepdim=True).expand(RUNS, x.shape[1], 1)
                x = torch.cat([x, s], dim=2)
            return forward(d_layers, x, leaky)

        for step in range(STEPS):
            real = real_batch(BATCH, gen)
            fake = forward(g_layers, torch.randn(RUNS, BATCH, Z_DIM, generator=gen), torch.relu)
            d_loss = F.softplus(-d_logits(real)).mean(dim=(1, 2)) + F.softplus(d_logits(fake.detach())).mean(dim=(1, 2))
            opt_d.zero_grad()
            d_loss.sum().backward()
            opt_d.step()
            g_loss = F.softplus(-d_logits(fake)).mean(dim=(1, 2))   # non-saturating
            opt_g.zero_grad()
            g_loss.sum().backward()
            opt_g.step()
            if step % 50 == 0:
                ctx.progress((vi + step / STEPS) / len(variants), f"{name}: step {step}/{STEPS}")
        with torch.no_grad():
            samples = forward(g_layers, torch.randn(RUNS, N_EVAL, Z_DIM, generator=kit.generator(ctx, 2)),
                              torch.relu)
        finite = bool(torch.isfinite(samples).all())
        modes, spread = score(samples) if finite else ([0] * RUNS, [0.0] * RUNS)
        results[name] = {"modes": modes, "spread": spread, "samples": samples[0, :500].tolist()}
    ctx.progress(1.0, "scored")

    def mean(xs):
        return sum(xs) / len(xs)

    names = list(VARIANTS)
    base, pac, mbs = (results[n] for n in names)
    zh = {"baseline (G 10x faster than D)": "基线（生成器比判别器快 10 倍）",
          f"packing (PacGAN{PACK})": f"样本打包（PacGAN{PACK}）",
          "minibatch std (Karras et al.)": "小批量标准差（Karras 等）"}
    labels = {name: {"en": name, "zh": zh[name]} for name in names}
    per_run = {name: " ".join(str(m) for m in r["modes"]) for name, r in results.items()}
    rows = [[labels[name], {"en": per_run[name], "zh": per_run[name]}, mean(r["modes"]), mean(r["spread"])]
            for name, r in results.items()]
    checks = [
        Check({"en": f"baseline collapses: mean modes covered < {COLLAPSED_MAX:g} of 8",
               "zh": f"基线发生模式崩溃：平均覆盖的模式数 < {COLLAPSED_MAX:g}（共 8 个）"}, mean(base["modes"]), "<",
              COLLAPSED_MAX),
        Check({"en": f"minibatch std fixes it: mean modes covered > {FIXED_MIN:g} of 8",
               "zh": f"小批量标准差解决了它：平均覆盖的模式数 > {FIXED_MIN:g}（共 8 个）"}, mean(mbs["modes"]), ">", FIXED_MIN),
        Check({"en": "packing: spread of the samples > 2 x the baseline's", "zh": "样本打包：样本的分散程度 > 2 × 基线的"}, mean(pac["spread"]), ">",
              mean(base["spread"]), factor=2),
    ]
    # The terminal scatter is zoomed on the data: samples farther out are left out (and counted).
    box = RADIUS + 1.0
    modes_pts = [tuple(c) for c in centers.tolist()]
    scatters = []
    for name, r in results.items():
        inside = [tuple(p) for p in r["samples"] if abs(p[0]) <= box and abs(p[1]) <= box]
        out = len(r["samples"]) - len(inside)
        scatters.append(Scatter(
            title={"en": f"{name}: run 1, {r['modes'][0]} of 8 modes" + (f" ({out} samples off the plot)" if out else ""),
                   "zh": f"{zh[name]}：第 1 次运行，覆盖 8 个模式中的 {r['modes'][0]} 个"
                         + (f"（{out} 个样本在图外）" if out else "")},
            series={"samples": inside, "modes": modes_pts}))
    return DemoResult(
        settings={"data": {"en": f"{MODES} Gaussians on a ring, radius {RADIUS}, std {STD}",
                           "zh": f"环上的 {MODES} 个高斯分布，半径 {RADIUS}，标准差 {STD}"},
                  "G": {"en": f"MLP {Z_DIM}-{WIDTH}-{WIDTH}-2 ReLU, z ~ N(0, I)",
                        "zh": f"MLP {Z_DIM}-{WIDTH}-{WIDTH}-2，ReLU，z ~ N(0, I)"},
                  "D": {"en": f"MLP 2-{WIDTH}-{WIDTH}-1 LeakyReLU 0.2", "zh": f"MLP 2-{WIDTH}-{WIDTH}-1，LeakyReLU 0.2"},
                  "loss": {"en": "non-saturating", "zh": "非饱和损失"},
                  "optimizer": {"en": f"Adam betas (0.5, 0.999), G lr {LR_G:g}, D lr {LR_D:g}",
                                "zh": f"Adam betas (0.5, 0.999)，生成器学习率 {LR_G:g}，判别器学习率 {LR_D:g}"},
                  "steps": STEPS, "batch": BATCH, "runs per variant": RUNS,
                  "scoring": {"en": f"a mode is covered when {N_EVAL // MODES // 4} of {N_EVAL} samples lie within {HIT} of it",
                              "zh": f"{N_EVAL} 个样本中有 {N_EVAL // MODES // 4} 个落在某模式 {HIT} 范围内时，该模式算作被覆盖"}},
        labels={**labels, "loss": {"en": "loss", "zh": "损失"},
                "runs per variant": {"en": "runs per variant", "zh": "每个变体的运行次数"},
                "scoring": {"en": "scoring", "zh": "评分方式"},
                "samples": {"en": "samples", "zh": "样本"}, "modes": {"en": "modes", "zh": "模式"}},
        table=Table(columns=[{"en": "variant", "zh": "变体"}, {"en": "modes covered per run", "zh": "每次运行覆盖的模式数"},
                             {"en": "mean modes (of 8)", "zh": "平均模式数（共 8 个）"},
                             {"en": "spread (data = 1)", "zh": "分散程度（数据 = 1）"}], rows=rows),
        checks=checks,
        finding={
            "en": (f"With G learning 10 x faster than D, the baseline collapses: {mean(base['modes']):.1f} of 8 modes "
                   f"per run on average, its samples bunched (spread {mean(base['spread']):.2f} of the data's). Letting "
                   f"D see the batch fixes it: the minibatch standard deviation covers {mean(mbs['modes']):.1f} modes "
                   f"(spread {mean(mbs['spread']):.2f}), packing {mean(pac['modes']):.1f} (spread "
                   f"{mean(pac['spread']):.2f}), with the same learning rates. This collapse is made fast on purpose: "
                   "with equal rates this small GAN covers all 8 modes within the budget, and in the papers plain "
                   "GANs collapse only after tens of thousands of steps. Packing and batch statistics are one family "
                   "of fixes among several (unrolling, gradient penalties), not a standard practice."),
            "zh": (f"生成器学习率是判别器的 10 倍时，基线发生模式崩溃：平均每次运行只覆盖 8 个模式中的 {mean(base['modes']):.1f} 个，"
                   f"样本挤在一起（分散度为数据的 {mean(base['spread']):.2f}）。让判别器看到整个批次就能修复：小批量标准差覆盖 "
                   f"{mean(mbs['modes']):.1f} 个模式（分散度 {mean(mbs['spread']):.2f}），样本打包覆盖 {mean(pac['modes']):.1f} 个"
                   f"（分散度 {mean(pac['spread']):.2f}），学习率都不变。这里的崩溃是有意让它快速出现的：学习率相同时，这个小 GAN "
                   "在预算内能覆盖全部 8 个模式；论文中朴素 GAN 要训练数万步才崩溃。样本打包和批次统计量是若干类对策之一"
                   "（还有展开式 GAN、梯度惩罚等），并不是标准做法。"),
        },
        scatters=scatters,
    )
