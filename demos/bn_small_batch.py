"""Interview question: why does BN depend on the batch size, and what do you do
with small batches?

The same 3-layer MLP is trained for the same number of SGD steps with BN at
batch size 2 and batch size 64, and with GroupNorm (8 groups; Wu & He 2018)
at batch size 2. With 2 samples, BN's batch statistics are so noisy that
every normalized feature is just +-1 (the two samples sit symmetrically
around their own mean), and at test time the running averages describe
something the network never saw. GroupNorm's statistics do not involve the
batch, so batch size 2 is fine. The noise of the batch mean is also measured
directly: its spread shrinks like 1/sqrt(batch size). Each net is trained
from the same three inits (each with its own batches) and the accuracies
are the means over the three runs.
"""

from __future__ import annotations


META = {
    "id": "bn_small_batch",
    "title": {"en": "BN with small batches",
              "zh": "小 batch 下的 BN"},
    "claim": {"en": "BN depends heavily on the batch size: when the batch is small, the computed mean and "
                    "variance are unstable, so BN does not suit small batches.",
              "zh": "BN 非常依赖 batch 的大小，batch 很小时计算的均值和方差不稳定，所以 BN 不适用于小 batch。"},
    "claims": ["bn_small_batch"],
    "verdict": "true",
    "treatment": {"en": "the small batch (2) for the small-batch BN net (off: it uses 64 too)",
                  "zh": "小 batch 的 BN 网络使用 batch 大小 2（关闭：也用 64）"},
    "long": False,
}

SMALL, LARGE = 2, 64
STEPS, LR = 250, 0.05
WIDTH, GROUPS = 32, 8
RUNS = 3   # each net trained from RUNS inits (the same ones in every arm), accuracies averaged


def _common():
    """demos/_norm_common.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_norm_common.py")


def run(ctx):
    import torch
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    common = _common()
    x, y, x_test, y_test = common.teacher_task(kit.generator(ctx, 1), 1024, 512)

    def build(norm: str) -> nn.Sequential:
        layers: list[nn.Module] = []
        d = 16
        for _ in range(3):
            n = nn.BatchNorm1d(WIDTH) if norm == "BN" else nn.GroupNorm(GROUPS, WIDTH)
            layers += [nn.Linear(d, WIDTH), n, nn.ReLU()]
            d = WIDTH
        layers.append(nn.Linear(d, 4))
        return nn.Sequential(*layers)

    small = SMALL if ctx.treatment else LARGE
    arms = {f"BN, batch {LARGE}": ("BN", LARGE), f"BN, batch {SMALL}": ("BN", small),
            f"GroupNorm, batch {SMALL}": ("GN", SMALL)}
    def mean(values) -> float:
        values = list(values)
        return sum(values) / len(values)

    results = {}
    for j, (arm, (norm, batch)) in enumerate(arms.items()):
        runs = []
        for rep in range(RUNS):
            with kit.fork_rng(ctx, rep):      # the same init in all three arms
                model = build(norm)
            common.train(model, x, y, STEPS, LR, batch, kit.generator(ctx, 2 + 10 * rep))
            runs.append((common.accuracy(model, x_test, y_test), common.accuracy(model, x, y)))
            ctx.progress((j * RUNS + rep + 1) / (len(arms) * RUNS + 1), arm)
        results[arm] = {"batch": batch, "acc": mean(a for a, _ in runs), "train_acc": mean(t for _, t in runs)}

    # Noise of the batch mean of one first-layer unit, across 200 batches.
    torch.manual_seed(ctx.seed)
    first = nn.Linear(16, WIDTH)
    g = kit.generator(ctx, 3)
    noise = {}
    with torch.no_grad():
        h = first(x)
        for b in (SMALL, LARGE):
            means = torch.stack([h[torch.randint(0, len(x), (b,), generator=g)].mean(0) for _ in range(200)])
            noise[b] = (means.std(0) / h.std(0)).mean().item()
    ctx.progress(1.0, "done")

    bn_large = results[f"BN, batch {LARGE}"]
    bn_small = results[f"BN, batch {SMALL}"]
    gn_small = results[f"GroupNorm, batch {SMALL}"]
    checks = [
        # Stated as the drops themselves, so that a margin is relative to the drop
        # asked for. From a sweep over seeds 0-19: BN lost at least 0.205 of test
        # accuracy from batch LARGE to SMALL (0.2 asked: a margin of 2%; now 0.15),
        # and trailed GroupNorm at batch SMALL by at least 0.08. One run per net
        # on seeds 0-79: GroupNorm - BN had a mean of 0.20 and a standard
        # deviation of 0.07 over the seeds, and fell to 0.049 on seed 56 (one
        # init, 512 test points, nets that saw 500 examples). Three runs per net
        # from the same three inits: the worst margin over seeds 0-79 is 33%
        # (seed 30). Wu & He 2018 report about 10 points of ImageNet accuracy
        # for GroupNorm over BN at batch 2.
        Check({"en": f"test accuracy lost by BN from batch {LARGE} to batch {SMALL} > 0.15",
               "zh": f"BN 从 batch {LARGE} 降到 batch {SMALL} 损失的测试准确率 > 0.15"},
              bn_large["acc"] - bn_small["acc"], ">", 0.15),
        Check({"en": f"test accuracy at batch {SMALL}: GroupNorm - BN > 0.05",
               "zh": f"batch {SMALL} 时的测试准确率：GroupNorm − BN > 0.05"},
              gn_small["acc"] - bn_small["acc"], ">", 0.05),
        Check({"en": f"spread of the batch mean: batch {SMALL} > 4 x batch {LARGE}",
               "zh": f"batch 均值的波动：batch {SMALL} > 4 × batch {LARGE}"}, noise[SMALL], ">", noise[LARGE], factor=4),
    ]
    arm_zh = {f"BN, batch {LARGE}": f"BN，batch {LARGE}", f"BN, batch {SMALL}": f"BN，batch {SMALL}",
              f"GroupNorm, batch {SMALL}": f"GroupNorm，batch {SMALL}"}
    rows = [[{"en": arm, "zh": arm_zh[arm]}, r["batch"], round(r["train_acc"], 3), round(r["acc"], 3)]
            for arm, r in results.items()]
    for b in (SMALL, LARGE):
        rows.append([{"en": f"batch-mean spread / feature std, batch {b}", "zh": f"batch 均值波动 / 特征标准差，batch {b}"},
                     b, "-", round(noise[b], 3)])
    finding = {
        "en": (f"After {STEPS} steps, BN reached {bn_large['acc']:.3f} test accuracy at batch {LARGE} but "
               f"{bn_small['acc']:.3f} at batch {SMALL}, while GroupNorm at batch {SMALL} reached "
               f"{gn_small['acc']:.3f}. The batch mean's spread is {noise[SMALL]:.2f} feature-stds at batch "
               f"{SMALL} vs {noise[LARGE]:.2f} at {LARGE}: with tiny batches BN's statistics are noise, and "
               f"the running averages used at test time do not match what training saw. (Accuracies: means over "
               f"{RUNS} runs per net from the same {RUNS} inits.)"),
        "zh": (f"{STEPS} 步后，BN 在 batch {LARGE} 时测试准确率为 {bn_large['acc']:.3f}，在 batch {SMALL} 时只有 "
               f"{bn_small['acc']:.3f}；GroupNorm 在 batch {SMALL} 时为 {gn_small['acc']:.3f}。batch 均值的波动在 batch "
               f"{SMALL} 时为 {noise[SMALL]:.2f} 个特征标准差，batch {LARGE} 时为 {noise[LARGE]:.2f}：batch 很小时 BN "
               f"的统计量几乎是噪声，测试时用的滑动平均也与训练时所见不符。（准确率为每个网络从相同的 {RUNS} 个初始化各训练一次的均值。）"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "steps": STEPS, "lr": LR, "width": WIDTH,
                  "groups": GROUPS, "runs": RUNS},
        table=Table([{"en": "net", "zh": "网络"}, {"en": "batch", "zh": "batch 大小"},
                     {"en": "train acc", "zh": "训练准确率"}, {"en": "test acc / value", "zh": "测试准确率 / 数值"}], rows),
        checks=checks, finding=finding, labels={"groups": {"en": "groups", "zh": "组数"}, "runs": {"en": "runs", "zh": "每个网络的运行次数"}},
    )
