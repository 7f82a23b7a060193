"""Interview question: with BN, can you do without dropout?

Often in practice, but the measurable problem is combining them: dropout in
front of a BN layer causes a "variance shift" (Li et al. 2019). In training,
dropout (with its 1/(1-p) rescaling) inflates the variance of BN's input, and
BN's running variance records that inflated value; at test time dropout is
off, the input's variance is smaller, and BN scales it with the wrong
statistics. This demo trains a BN MLP with dropout (p = 0.5) placed right
before a BN layer, and, as the control, the same dropout placed after the
last BN layer (Li et al.'s fix), and measures the ratio of the test-time
variance of each BN layer's input to its running variance.
"""

from __future__ import annotations


META = {
    "id": "bn_drop_dropout",
    "title": {"en": "BN and dropout",
              "zh": "BN 与 dropout"},
    "claim": {"en": "With BN you can do without dropout.",
              "zh": "使用 BN 后可以不用 dropout。"},
    "claims": ["bn_drop_dropout"],
    "verdict": "nuanced",
    "treatment": {"en": "dropout right before a BN layer (off: dropout after the last BN layer only)",
                  "zh": "dropout 放在 BN 层之前（关闭：dropout 只放在最后一个 BN 层之后）"},
    "long": False,
}

WIDTH, P = 64, 0.5
STEPS, LR, BATCH = 150, 0.1, 64


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

    def build(dropout_before_bn: bool) -> nn.Sequential:
        if dropout_before_bn:   # Linear-ReLU-Dropout-Linear-BN-ReLU-Linear
            return nn.Sequential(nn.Linear(16, WIDTH), nn.ReLU(), nn.Dropout(P), nn.Linear(WIDTH, WIDTH),
                                 nn.BatchNorm1d(WIDTH), nn.ReLU(), nn.Linear(WIDTH, 4))
        # Same layers, dropout moved after the BN layer (just before the classifier).
        return nn.Sequential(nn.Linear(16, WIDTH), nn.ReLU(), nn.Identity(), nn.Linear(WIDTH, WIDTH),
                             nn.BatchNorm1d(WIDTH), nn.ReLU(), nn.Dropout(P), nn.Linear(WIDTH, 4))

    arms = {"dropout after BN": False, "dropout before BN": ctx.treatment}
    results = {}
    for j, (arm, before) in enumerate(arms.items()):
        torch.manual_seed(ctx.seed)
        model = build(before)
        common.train(model, x, y, STEPS, LR, BATCH, kit.generator(ctx, 2))
        bn = model[4]
        model.eval()
        with torch.no_grad():
            h = model[:4](x)        # BN's input in eval mode (dropout off), on the training inputs
            ratio = (h.var(0, unbiased=False) / bn.running_var).mean().item()
        acc_running = common.accuracy(model, x_test, y_test)
        # Li et al.'s remedy: re-estimate the BN statistics with dropout off.
        with torch.no_grad():
            bn.reset_running_stats()
            bn.momentum = None                          # cumulative average
            for m in model:
                m.train(m is bn)
            for start in range(0, len(x), 256):
                model(x[start:start + 256])
        acc_fixed = common.accuracy(model, x_test, y_test)
        results[arm] = {"ratio": ratio, "acc": acc_running, "acc_fixed": acc_fixed}
        ctx.progress((j + 1) / len(arms), arm)

    after, before = results["dropout after BN"], results["dropout before BN"]
    checks = [
        Check({"en": "eval variance / running variance: dropout before BN < 0.75 x dropout after BN",
               "zh": "eval 方差 / 滑动方差：dropout 在 BN 之前 < 0.75 × dropout 在 BN 之后"}, before["ratio"], "<",
              after["ratio"], factor=0.75),
        Check({"en": "dropout after BN: eval variance / running variance within 0.15 of 1",
               "zh": "dropout 在 BN 之后：eval 方差 / 滑动方差与 1 相差不到 0.15"}, abs(after["ratio"] - 1), "<",
              0.15),
    ]
    arm_zh = {"dropout after BN": "dropout 在 BN 之后", "dropout before BN": "dropout 在 BN 之前"}
    rows = [[{"en": arm, "zh": arm_zh[arm]}, round(r["ratio"], 3), round(r["acc"], 3), round(r["acc_fixed"], 3)] for arm, r in results.items()]
    finding = {
        "en": (f"With dropout (p={P}) in front of BN, the BN input's variance in eval mode is {before['ratio']:.2f} x "
               f"the running variance it learned in training (dropout after BN: {after['ratio']:.2f}): a variance "
               f"shift. Test accuracy {before['acc']:.3f}, {before['acc_fixed']:.3f} after re-estimating the BN "
               f"statistics without dropout. BN regularizes a little, but it does not make dropout useless; "
               f"combining them needs care about where dropout goes (Li et al. 2019)."),
        "zh": (f"在 BN 之前使用 dropout（p={P}）时，eval 模式下 BN 输入的方差是训练中学到的滑动方差的 {before['ratio']:.2f} 倍"
               f"（dropout 放在 BN 之后：{after['ratio']:.2f}）：这就是方差偏移。测试准确率 {before['acc']:.3f}，关闭 dropout "
               f"重新估计 BN 统计量后为 {before['acc_fixed']:.3f}。BN 有少许正则化作用，但不会让 dropout 变得无用；"
               f"二者同用时要注意 dropout 的位置（Li 等，2019）。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "width": WIDTH, "p": P, "steps": STEPS, "lr": LR,
                  "batch": BATCH},
        table=Table([{"en": "net", "zh": "网络"}, {"en": "eval var / running var", "zh": "eval 方差 / 滑动方差"},
                     {"en": "test acc", "zh": "测试准确率"},
                     {"en": "test acc, BN stats re-estimated", "zh": "测试准确率（重新估计 BN 统计量）"}], rows),
        checks=checks, finding=finding, labels={"p": {"en": "dropout p", "zh": "dropout 概率 p"}},
    )
