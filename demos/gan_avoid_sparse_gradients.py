"""Interview question: why avoid ReLU and max pooling (sparse gradients) in a
GAN, and does it matter?

Two measurements. (1) Sparsity, measured directly: the share of a D's hidden
units that pass no gradient back to G's samples (ReLU: the inactive ones;
LeakyReLU: none), and the share of a feature map's pixels that receive any
gradient through 2x2 max pooling (one in four) versus average pooling (all).
(2) Does it decide training? The same one-dimensional GAN (data N(2, 0.5),
affine G from N(-2, 0.5)) trained with a ReLU D and with a LeakyReLU D, 4
runs each. LeakyReLU in D is the DCGAN convention (Radford et al. 2015),
yet DCGAN's own G uses ReLU, and in this toy the ReLU D trains just as well:
the gradients are sparser, but "sparse gradients ruin stability" is not
what the measurement shows.
"""

from __future__ import annotations


META = {
    "id": "gan_avoid_sparse_gradients",
    "title": {"en": "Sparse gradients: ReLU and max pooling pass less gradient, but train here",
              "zh": "稀疏梯度：ReLU 与最大池化传回的梯度更少，但这里照样能训练"},
    "claim": {"en": "Avoid operations that make gradients sparse, such as ReLU and MaxPool: GAN stability suffers; use LeakyReLU, average pooling or strided convolution.",
              "zh": "避免使用 ReLU、MaxPool 等引入稀疏梯度的操作，GAN 的稳定性会因此受到很大影响；使用 LeakyReLU、平均池化或卷积 + stride。"},
    "claims": ["gan_avoid_sparse_gradients"],
    "verdict": "nuanced",
    "treatment": {"en": "LeakyReLU and average pooling in the recommended arms (off: ReLU and max pooling there too)",
                  "zh": "推荐分支中使用 LeakyReLU 和平均池化（关闭：那里也用 ReLU 和最大池化）"},
    "long": False,
}

STEPS = 200          # G steps, one D step each
BATCH, HIDDEN = 64, 16
REPLICAS = 4         # independent GAN runs per arm, trained side by side; W1 is their mean


def _toy():
    """demos/_gan_toy.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_gan_toy.py")


def run(ctx):
    import torch
    import torch.nn.functional as F

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    toy = _toy()
    leaky = 0.2 if ctx.treatment else 0.0
    avg_pool = F.avg_pool2d if ctx.treatment else F.max_pool2d

    # (1a) Pooling: which input pixels get any gradient?
    x = torch.randn(1, 8, 16, 16, generator=kit.generator(ctx, 1), requires_grad=True)
    w = torch.randn(1, 8, 8, 8, generator=kit.generator(ctx, 2))
    density = {}
    for name, pool in (("max pooling 2x2", F.max_pool2d), ("average pooling 2x2", avg_pool)):
        (g,) = torch.autograd.grad((pool(x, 2) * w).sum(), x)
        density[name] = (g != 0).float().mean().item()

    # (1b) and (2): GANs with a ReLU D and a LeakyReLU D.
    base = dict(steps=STEPS, batch=BATCH, hidden=HIDDEN, replicas=REPLICAS)
    arms = {"ReLU D": toy.ToyConfig(d_slope=0.0, **base), "LeakyReLU(0.2) D": toy.ToyConfig(d_slope=leaky, **base)}
    runs, dead = {}, {}
    for i, (name, cfg) in enumerate(arms.items()):
        torch.manual_seed(ctx.seed)
        runs[name] = toy.train(cfg, kit.generator(ctx, 3))
        d = runs[name]["d"]
        # Share of (sample, hidden unit) pairs of D's first layer whose derivative is exactly 0 at G's
        # final samples: no gradient flows back through them.
        with torch.no_grad():
            fake = toy.REAL_MEAN + toy.REAL_STD * torch.randn(REPLICAS, 256, 1, generator=kit.generator(ctx, 4))
            pre = torch.baddbmm(d.b1, fake, d.w1)
            slope = torch.where(pre < 0, torch.tensor(cfg.d_slope), torch.tensor(1.0))   # the activation's derivative
            dead[name] = (slope == 0).float().mean().item()
        ctx.progress((i + 1) / len(arms), name)
    w1 = {n: toy.tail_mean(r["w1"]) for n, r in runs.items()}
    w1_relu, w1_leaky = (w1[n] for n in arms)
    w1_start = runs["ReLU D"]["w1"][0]
    dead_relu, dead_leaky = (dead[n] for n in arms)
    rows = [[n, f"{100 * dead[n]:.0f}%", "-", round(w1[n], 3)] for n in arms]
    rows += [[n, "-", f"{100 * v:.0f}%", "-"] for n, v in density.items()]
    checks = [
        Check("ReLU D: share of first-layer units passing no gradient > 20%", dead_relu, ">", 0.2),
        Check("LeakyReLU D: share passing no gradient < 1%", dead_leaky, "<", 0.01),
        Check("average pooling: share of pixels receiving gradient > 2 x max pooling's",
              density["average pooling 2x2"], ">", density["max pooling 2x2"], factor=2),
        Check("yet the ReLU D trains: W1 to data < 0.1 x start", w1_relu, "<", w1_start, factor=0.1),
        Check("and is no worse than LeakyReLU: W1 < 1.5 x LeakyReLU's", w1_relu, "<", w1_leaky, factor=1.5),
    ]
    return DemoResult(
        settings={"data": "N(2, 0.5)", "G": "affine b + s*z, starts at N(-2, 0.5)",
                  "D": f"MLP 1-{HIDDEN}-{HIDDEN}-1, ReLU or LeakyReLU 0.2", "steps": STEPS, "batch": BATCH,
                  "runs per arm": f"{REPLICAS} independent GANs; W1 is their mean",
                  "pooling": "8 x 16 x 16 random feature map, 2x2 pooling"},
        table=Table(columns=["what", "units passing no gradient", "pixels receiving gradient", "W1 to data at the end"],
                    rows=rows),
        checks=checks,
        finding={
            "en": (f"The gradients are sparser: {100 * dead_relu:.0f}% of a ReLU D's first-layer units pass no gradient "
                   f"back to G's samples (LeakyReLU: {100 * dead_leaky:.0f}%), and max pooling sends gradient to "
                   f"{100 * density['max pooling 2x2']:.0f}% of the pixels against "
                   f"{100 * density['average pooling 2x2']:.0f}% for average pooling. But the GAN trains with either D: W1 "
                   f"to the data {w1_relu:.3f} with ReLU and {w1_leaky:.3f} with LeakyReLU (start {w1_start:.1f}). "
                   "LeakyReLU in D is a sound default (DCGAN), not a cure: the evidence that sparse gradients wreck "
                   "stability is weak, and DCGAN's generator uses ReLU."),
            "zh": (f"梯度确实更稀疏：ReLU 判别器第一层有 {100 * dead_relu:.0f}% 的单元不向生成样本传回梯度（LeakyReLU："
                   f"{100 * dead_leaky:.0f}%），最大池化只把梯度传给 {100 * density['max pooling 2x2']:.0f}% 的像素，平均池化为 "
                   f"{100 * density['average pooling 2x2']:.0f}%。但两种判别器下 GAN 都能训练：到数据的 W1，ReLU 为 {w1_relu:.3f}，"
                   f"LeakyReLU 为 {w1_leaky:.3f}（起点 {w1_start:.1f}）。判别器用 LeakyReLU 是稳妥的默认做法（DCGAN），但不是灵药："
                   "“稀疏梯度严重破坏稳定性”的证据很弱，而且 DCGAN 的生成器就用 ReLU。"),
        },
        curves=[Curve(title="W1 distance from G to the data (mean of runs)", x_label="G step", y_label="W1",
                      x=toy.x_axis(STEPS), series={n: toy.thin(r["w1"], STEPS) for n, r in runs.items()})],
    )
