"""Interview question: does collecting more training data improve generalization?

A learning curve. A fixed random "teacher" network labels points in 10-D;
the same student MLP is trained to (near) zero training error on training
sets of growing size, and tested on a large fresh sample. The treatment is
the larger training sets; the control is the smallest one. With the
treatment off, every arm trains on the smallest set. Each size is trained
REPEATS times, each time on another draw of training data (the smaller sets
are the first examples of the larger ones) from another initial student (the
same for every size in a repeat), and the errors averaged.
"""

from __future__ import annotations

import torch
from torch import nn

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

META = {
    "id": "gen_more_data",
    "title": {"en": "More data: the learning curve",
              "zh": "更多数据：学习曲线"},
    "claim": {"en": "Collecting more data improves generalization: data sets the upper bound of what an algorithm can do.",
              "zh": "采集更多数据：数据决定算法的上限。"},
    "claims": ["gen_more_data"],
    "verdict": "true",
    "treatment": {"en": "training sets larger than the smallest one (off: every arm trains on the smallest set)",
                  "zh": "比最小训练集更大的训练集（关闭后所有组都只用最小训练集）"},
    "long": False,
    "refs": [
        "Hestness et al. 2017, Deep Learning Scaling is Predictable, Empirically",
        "Nakkiran et al. 2020, Deep Double Descent",
    ],
}

DIM = 10                                    # input dimension
SIZES = [25, 50, 100, 200, 400, 800, 1600]  # training-set sizes (the treatment: all but the first)
N_TEST = 4000                               # fresh test points from the same distribution
HIDDEN = 64                                 # student width: can fit every training set
STEPS = 150                                 # full-batch Adam steps per training run
LR = 0.01
# One run per size left the error with 25 examples to a single draw of 25
# points: on seed 60 that draw happened to be easy (17.4% test error; the mean
# of three draws is 23.0%), and 1600 examples missed 0.6 x that by 15%. The
# mean over REPEATS draws (and inits) measures the learning curve, not one sample.
REPEATS = 3


def _teacher(g: torch.Generator) -> nn.Module:
    # A random two-layer tanh network: a smooth, non-linear decision boundary.
    net = nn.Sequential(nn.Linear(DIM, 8), nn.Tanh(), nn.Linear(8, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    return net


def _error(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return ((net(x).squeeze(1) > 0).float() != y).float().mean().item()


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    teacher = _teacher(g)
    with torch.no_grad():
        # Centre the teacher so that the two classes are about equally frequent.
        probe = teacher(torch.randn(20000, DIM, generator=g)).squeeze(1)
        shift = probe.median()
    with torch.no_grad():
        x_test = torch.randn(N_TEST, DIM, generator=g)
        y_test = (teacher(x_test).squeeze(1) > shift).float()

    sizes = SIZES if ctx.treatment else [SIZES[0]] * len(SIZES)
    train_runs = [[0.0] * REPEATS for _ in SIZES]
    test_runs = [[0.0] * REPEATS for _ in SIZES]
    for rep in range(REPEATS):
        with torch.no_grad():
            x_all = torch.randn(max(SIZES), DIM, generator=kit.generator(ctx, 10 + rep))
            y_all = (teacher(x_all).squeeze(1) > shift).float()
        for i, n in enumerate(sizes):
            ctx.progress((rep * len(SIZES) + i) / (REPEATS * len(SIZES)), f"training on {n} examples")
            x, y = x_all[:n], y_all[:n]
            with kit.fork_rng(ctx, 10 + rep):  # the same initial student for every size in a repeat
                net = nn.Sequential(nn.Linear(DIM, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))
            opt = kit.Adam(net.parameters(), lr=LR)
            for _ in range(STEPS):
                opt.zero_grad()
                nn.functional.binary_cross_entropy_with_logits(net(x).squeeze(1), y).backward()
                opt.step()
            train_runs[i][rep], test_runs[i][rep] = _error(net, x, y), _error(net, x_test, y_test)
    ctx.progress(1.0, "done")
    train_err = [sum(v) / REPEATS for v in train_runs]
    test_err = [sum(v) / REPEATS for v in test_runs]
    rows = [[nominal, n, round(tr, 4), round(te, 4), round(te - tr, 4)]
            for nominal, n, tr, te in zip(SIZES, sizes, train_err, test_err)]

    gap_small, gap_large = test_err[0] - train_err[0], test_err[-1] - train_err[-1]
    checks = [
        Check({"en": f"test error with {SIZES[-1]} examples < 0.6 x test error with {SIZES[0]}",
               "zh": f"{SIZES[-1]} 个样本时的测试误差 < 0.6 × {SIZES[0]} 个样本时的测试误差"},
              test_err[-1], "<", test_err[0], factor=0.6),
        Check({"en": f"train/test gap with {SIZES[-1]} examples < 0.5 x gap with {SIZES[0]}",
               "zh": f"{SIZES[-1]} 个样本时训练与测试的差距 < 0.5 × {SIZES[0]} 个样本时的差距"},
              gap_large, "<", gap_small, factor=0.5),
    ]
    finding = {
        "en": (f"Mean of {REPEATS} runs per size, each on another draw of data: test error fell from "
               f"{test_err[0]:.1%} with {sizes[0]} examples to {test_err[-1]:.1%} with {sizes[-1]}, and the train/test gap from {gap_small:.1%} to {gap_large:.1%}: more data from the "
               "same distribution helps. It does not fix wrong labels or a biased sample, and near the "
               "interpolation threshold a little more data can briefly hurt (sample-wise double descent)."),
        "zh": (f"每个大小 {REPEATS} 次运行（每次抽取不同的数据）的均值：测试错误率从 {sizes[0]} 个样本时的 "
               f"{test_err[0]:.1%} 降到 {sizes[-1]} 个样本时的 {test_err[-1]:.1%}，"
               f"训练/测试差距从 {gap_small:.1%} 降到 {gap_large:.1%}：来自同一分布的更多数据有帮助。"
               "但它修不好错误标签或有偏的样本；在插值阈值附近，稍多一点数据甚至可能暂时变差（样本维度的双下降）。"),
    }
    return DemoResult(
        settings={"dim": DIM, "sizes": SIZES, "n_test": N_TEST, "hidden": HIDDEN, "steps": STEPS, "lr": LR,
                  "repeats": REPEATS,
                  "treatment": ctx.treatment},
        table=Table([{"en": "nominal size", "zh": "名义样本数"}, {"en": "trained on", "zh": "实际训练样本数"},
                     {"en": "train error (mean)", "zh": "训练误差（均值）"},
                     {"en": "test error (mean)", "zh": "测试误差（均值）"}, {"en": "gap", "zh": "差距"}],
                    rows),
        checks=checks,
        finding=finding,
        labels={"sizes": {"en": "sizes", "zh": "训练集大小"}, "hidden": {"en": "hidden", "zh": "隐藏单元数"},
                "repeats": {"en": "runs per size", "zh": "每个大小的运行次数"},
                "train": {"en": "train", "zh": "训练"}, "test": {"en": "test", "zh": "测试"}},
        curves=[Curve({"en": "Learning curve", "zh": "学习曲线"}, {"en": "training examples", "zh": "训练样本数"},
                      {"en": "error", "zh": "误差"},
                      [float(s) for s in SIZES], {"train": train_err, "test": test_err})],
    )
