"""Interview question: if the generator's loss keeps falling, does that mean
the discriminator is not doing its job?

Sometimes. Two runs of a one-dimensional GAN (data N(2, 0.5), affine G from
N(-2, 0.5), non-saturating loss, G trained by SGD), both starting with a D
that has trained 100 steps alone. In run A, D then stops learning (frozen):
G's loss falls steadily, to far below log 2, while G runs past the data,
exploiting a D that does not adapt. In run B, D keeps learning: G's loss
also falls steadily (from a high start), and G reaches the data. A falling
G loss alone says little (GAN losses are not quality measures, Goodfellow
2016; Lucic et al. 2018); G's loss going far below log 2 with D's loss far
above log 4 is the sign of a D that is not working.
"""

from __future__ import annotations


META = {
    "id": "gan_g_loss_decreasing",
    "title": {"en": "A steadily falling G loss: a warning sign, not a diagnosis",
              "zh": "生成器损失稳步下降：是警示，不是诊断"},
    "claim": {"en": "If the generator's loss falls steadily, the discriminator is not working.",
              "zh": "如果生成器的损失稳步下降，说明判别器没有起作用。"},
    "claims": ["gan_g_loss_decreasing"],
    "verdict": "nuanced",
    "treatment": {"en": "in run A, D stops learning after its head start (off: D keeps learning, as in run B)",
                  "zh": "运行 A 中判别器在先行训练后停止学习（关闭：判别器继续学习，与运行 B 相同）"},
    "long": False,
}

STEPS = 200          # G steps
PRETRAIN = 100       # D steps before G starts
LR_G = 0.05          # plain SGD for G
BATCH, HIDDEN = 64, 16


def _toy():
    """demos/_gan_toy.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_gan_toy.py")


def run(ctx):
    import torch

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    toy = _toy()

    def train_arms(arms: dict, offset: float = 0.0, share: float = 1.0) -> dict:
        # Every arm starts from the same D and sees the same data stream.
        runs = {}
        for i, (name, cfg) in enumerate(arms.items()):
            torch.manual_seed(ctx.seed)
            runs[name] = toy.train(cfg, kit.generator(ctx, 1))
            ctx.progress(offset + share * (i + 1) / len(arms), name)
        return runs

    import math

    base = dict(steps=STEPS, batch=BATCH, hidden=HIDDEN, d_pretrain=PRETRAIN, opt_g="sgd", lr_g=LR_G)
    arms = {
        "run A: D frozen": toy.ToyConfig(freeze_d=ctx.treatment, **base),
        "run B: D learning": toy.ToyConfig(**base),
    }
    runs = train_arms(arms)
    a, b = (runs[n] for n in arms)

    def fall(r: dict) -> float:
        # The share of the starting G loss that is gone at the end.
        return 1 - toy.tail_mean(r["g_loss"]) / r["g_loss"][0]

    w1_start = a["w1"][0]
    tails = {n: {k: toy.tail_mean(r[k]) for k in ("g_loss", "d_loss", "w1")} for n, r in runs.items()}
    ta, tb = (tails[n] for n in arms)
    rows = [[n, round(r["g_loss"][0], 2), round(tails[n]["g_loss"], 3), round(tails[n]["d_loss"], 3),
             round(tails[n]["w1"], 3)] for n, r in runs.items()]
    checks = [
        Check("run A: G loss fell by > 80%", fall(a), ">", 0.8),
        Check("run B: G loss fell by > 80% too", fall(b), ">", 0.8),
        Check("run A: G misses the data, W1 > 0.2 x start", ta["w1"], ">", w1_start, factor=0.2),
        Check("run B: G reaches the data, W1 < 0.05 x start", tb["w1"], "<", w1_start, factor=0.05),
    ]
    return DemoResult(
        settings={"data": "N(2, 0.5)", "G": "affine b + s*z, starts at N(-2, 0.5)",
                  "D": f"MLP 1-{HIDDEN}-{HIDDEN}-1 LeakyReLU", "steps": STEPS, "batch": BATCH,
                  "distance": "W1 between G's Gaussian and the data (exact)", "D head start": PRETRAIN, "G optimizer": f"SGD lr {LR_G}",
                  "D optimizer": "Adam lr 0.02", "log 2 (G loss at equilibrium)": round(math.log(2), 3)},
        table=Table(columns=["run", "G loss start", "G loss end", "D loss end", "W1 to data at the end"], rows=rows),
        checks=checks,
        finding={
            "en": (f"Both G losses fell steadily: from {a['g_loss'][0]:.1f} to {ta['g_loss']:.3f} with D frozen, from "
                   f"{b['g_loss'][0]:.1f} to {tb['g_loss']:.2f} with D learning. Yet G ended at W1 = {ta['w1']:.2f} from "
                   f"the data in the first run (start {w1_start:.2f}) and {tb['w1']:.3f} in the second. What tells them "
                   f"apart is the level: with a working D, G's loss settles near log 2 = 0.69 and D's near log 4 = 1.39 "
                   f"(here {tb['d_loss']:.2f}); with the frozen D, G's loss sinks to {ta['g_loss']:.3f} and D's rises to "
                   f"{ta['d_loss']:.2f}."),
            "zh": (f"两次运行中生成器损失都稳步下降：判别器冻结时从 {a['g_loss'][0]:.1f} 降到 {ta['g_loss']:.3f}，判别器学习时从 "
                   f"{b['g_loss'][0]:.1f} 降到 {tb['g_loss']:.2f}。但前者生成器最终距数据 W1 = {ta['w1']:.2f}（起点 {w1_start:.2f}），"
                   f"后者为 {tb['w1']:.3f}。区分两者的是数值水平：判别器正常时，生成器损失稳定在 log 2 = 0.69 附近，判别器损失在 "
                   f"log 4 = 1.39 附近（此处 {tb['d_loss']:.2f}）；判别器冻结时，生成器损失降到 {ta['g_loss']:.3f}，判别器损失升到 "
                   f"{ta['d_loss']:.2f}。"),
        },
        curves=[Curve(title="Generator loss", x_label="G step", y_label="G loss", x=toy.x_axis(STEPS),
                      series={n: toy.thin(r["g_loss"], STEPS) for n, r in runs.items()}),
                Curve(title="W1 distance from G to the data", x_label="G step", y_label="W1",
                      x=toy.x_axis(STEPS), series={n: toy.thin(r["w1"], STEPS) for n, r in runs.items()})],
    )
