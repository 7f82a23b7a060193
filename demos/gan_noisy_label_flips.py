"""Interview question: should you occasionally flip the labels when training
the discriminator?

Flipping each D label with probability p is label noise: D's best answer
becomes ((1 - p) p_data + p p_model) / (p_data + p_model), so its confidence
is capped near 1 - p, a regularizer. The cost: where G's samples are, D's
target is pulled towards "real", so G is pushed less. A one-dimensional GAN
(data N(2, 0.5), affine G from N(-2, 0.5), MLP D) with p = 0 and p = 0.1:
the confidence of a D trained alone against G's first samples, and how
close G gets to the data in the same number of GAN steps.
"""

from __future__ import annotations


META = {
    "id": "gan_noisy_label_flips",
    "title": {"en": "Noisy labels for D: a regularizer that also slows G",
              "zh": "给判别器加噪声标签：一种正则，也会拖慢生成器"},
    "claim": {"en": "Add noise to the labels when training, e.g. randomly flip the labels of some samples.",
              "zh": "可以在训练时对标签加一些噪声，比如随机翻转部分样本的标签。"},
    "claims": ["gan_noisy_label_flips"],
    "verdict": "nuanced",
    "treatment": {"en": "each D label flipped with probability 0.1 (off: no flips)",
                  "zh": "判别器的每个标签以 0.1 的概率翻转（关闭：不翻转）"},
    "long": False,
}

STEPS = 200          # G steps, one D step each
PRETRAIN = 100       # D steps before G starts
FLIP = 0.1           # probability of flipping a D label
BATCH, HIDDEN = 64, 16
REPLICAS = 32        # independent GAN runs per arm, trained side by side; W1 is their mean


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

    flip = FLIP if ctx.treatment else 0.0

    # D alone, trained against G's starting samples: how confident does it get?
    confidence = {}
    for name, p in (("no flips", 0.0), (f"labels flipped with p = {FLIP}", flip)):
        torch.manual_seed(ctx.seed)
        d = toy.train(toy.ToyConfig(steps=0, batch=BATCH, hidden=HIDDEN, d_pretrain=PRETRAIN, flip_prob=p),
                      kit.generator(ctx, 2))["d"]
        with torch.no_grad():
            real = toy.REAL_MEAN + toy.REAL_STD * torch.randn(512, 1, generator=kit.generator(ctx, 3))
            confidence[name] = torch.sigmoid(d(real)).mean().item()
    ctx.progress(0.2, "D alone")

    base = dict(steps=STEPS, batch=BATCH, hidden=HIDDEN, replicas=REPLICAS)
    arms = {
        "no flips": toy.ToyConfig(**base),
        f"labels flipped with p = {FLIP}": toy.ToyConfig(flip_prob=flip, **base),
    }
    runs = train_arms(arms, 0.2, 0.8)
    w1 = {n: toy.tail_mean(r["w1"]) for n, r in runs.items()}
    w1_plain, w1_flip = (w1[n] for n in arms)
    c_plain, c_flip = (confidence[n] for n in arms)
    names = {"no flips": {"en": "no flips", "zh": "不翻转"},
             f"labels flipped with p = {FLIP}": {"en": f"labels flipped with p = {FLIP}", "zh": f"以 p = {FLIP} 翻转标签"}}
    rows = [[names[n], round(confidence[n], 4), round(w1[n], 3)] for n in arms]
    checks = [
        # Stated as the distance from 1, so that the margins are relative to
        # what is measured: 1 - D(real) was 0.05-0.15 with flips and
        # 0.0001-0.0006 without over seeds 0-19.
        Check({"en": f"D alone, with flips: 1 - mean D(real) > 0.03 (capped near p = {FLIP})", "zh": f"单独训练判别器，翻转标签：1 - mean D(real) > 0.03（上限约为 p = {FLIP}）"}, 1 - c_flip, ">", 0.03),
        Check({"en": "D alone, without flips: 1 - mean D(real) < 0.01", "zh": "单独训练判别器，不翻转：1 - mean D(real) < 0.01"}, 1 - c_plain, "<", 0.01),
        # 32 runs per arm (it was 8, and 4 before): with flips, how fast a run gets
        # to the data varies a lot from run to run (steps to W1 < 1: 113 to over
        # 200 on seed 55, against 113-122 without flips), so a mean over 8 runs
        # still left the ratio to luck: 1.21 on seed 54 (its 8 flipped runs were
        # fast ones; with 4 runs it fell to 0.8 on seed 17). With 32 runs the
        # ratio was 2.4-4.4 over seeds 0-79; the check asks for 1.5 (it asked for
        # 1.3 with 8 runs; 1.5 before that).
        Check({"en": "W1 to data after training: with flips > 1.5 x without (slower)", "zh": "训练后到数据的 W1：翻转 > 1.5 × 不翻转（更慢）"}, w1_flip, ">", w1_plain, factor=1.5),
    ]
    return DemoResult(
        settings={"data": toy.DATA, "G": toy.G_AFFINE,
                  "D": toy.mlp_d(HIDDEN), "steps": STEPS, "batch": BATCH,
                  "distance": toy.DISTANCE,
                  "runs per arm": toy.runs_per_arm(REPLICAS), "D alone": {"en": f"{PRETRAIN} Adam steps against G's starting samples", "zh": f"对生成器的初始样本做 {PRETRAIN} 步 Adam"}, "flip probability": FLIP,
                  "optimizers": {"en": "Adam lr 0.02, betas (0.5, 0.999), for G and D",
                                 "zh": "Adam 学习率 0.02，betas (0.5, 0.999)，生成器与判别器都用"}},
        labels={**toy.LABELS, **names, "D alone": {"en": "D alone", "zh": "单独训练判别器"},
                "flip probability": {"en": "flip probability", "zh": "翻转概率"}},
        table=Table(columns=[{"en": "labels", "zh": "标签"}, {"en": "D alone: mean D(real)", "zh": "单独训练判别器：mean D(real)"},
                             {"en": "GAN: W1 to data at the end", "zh": "GAN：训练结束时到数据的 W1"}],
                    rows=rows),
        checks=checks,
        finding={
            "en": (f"With labels flipped at p = {FLIP}, a D trained alone against G's first samples reaches a confidence on real data of "
                   f"{c_flip:.3f} against {c_plain:.4f} without flips: the noise caps D, as a "
                   f"regularizer should. But after {STEPS} steps G is at W1 = {w1_flip:.2f} from the data against "
                   f"{w1_plain:.2f} without flips: the flipped fake labels reward G's current samples. A mild "
                   "regularizer with a cost, and folklore rather than an established trick."),
            "zh": (f"以 p = {FLIP} 翻转标签时，单独训练的判别器（面对生成器的初始样本）对真实数据的置信度为 {c_flip:.3f}，不翻转时为 "
                   f"{c_plain:.4f}：噪声限制了判别器，起到了正则作用。但 {STEPS} 步后生成器距数据 W1 = {w1_flip:.2f}，"
                   f"不翻转时为 {w1_plain:.2f}：被翻转的假标签奖励了生成器当前的样本。这是一个有代价的温和正则，更像经验之谈而非公认技巧。"),
        },
        curves=[Curve(title=toy.W1_TITLE, x_label=toy.G_STEP, y_label=toy.W1,
                      x=toy.x_axis(STEPS), series={n: toy.thin(r["w1"], STEPS) for n, r in runs.items()})],
    )
