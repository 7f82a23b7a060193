"""Interview question: why does BN benefit from thoroughly shuffled training data?

With BN, an example's output in training depends on the other examples in its
batch, so the composition of batches matters. Ioffe & Szegedy (section
4.2.1) shuffled "more thoroughly" so that the same examples do not always
share a batch, and saw about 1% on ImageNet. This demo shows the mechanism in
its extreme form: batches that each hold a single class (classes in turn,
so plain SGD still sees a balanced stream), against shuffled batches, for a
net with BN and the same net without. Only the BN net is hurt: normalizing
each single-class batch by its own mean removes the very class information
the net should learn, and at test time the running averages describe mixed
data it never trained on.
"""

from __future__ import annotations


META = {
    "id": "bn_full_shuffle",
    "title": {"en": "BN and shuffling the training data",
              "zh": "BN 与彻底打乱训练数据"},
    "claim": {"en": "With BN the training set can (and should) be shuffled thoroughly.",
              "zh": "使用 BN 可以把数据集彻底打乱。"},
    "claims": ["bn_full_shuffle"],
    "verdict": "true",
    "treatment": {"en": "shuffled batches for the shuffled arms (off: single-class batches everywhere)",
                  "zh": "打乱后的 batch（关闭：所有组都用单一类别的 batch）"},
    "long": False,
}

STEPS, LR, BATCH = 120, 0.1, 32
DEPTH, WIDTH = 2, 32


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
    by_class = [x[y == c] for c in range(4)]

    def train(model: nn.Module, shuffled: bool) -> None:
        g = kit.generator(ctx, 2)
        params = list(model.parameters())
        model.train()
        for step in range(STEPS):
            if shuffled:
                idx = torch.randint(0, len(x), (BATCH,), generator=g)
                xb, yb = x[idx], y[idx]
            else:   # one class per batch, the classes in turn
                c = step % 4
                xb = by_class[c][torch.randint(0, len(by_class[c]), (BATCH,), generator=g)]
                yb = torch.full((BATCH,), c)
            loss = nn.functional.cross_entropy(model(xb), yb)
            for p in params:
                p.grad = None
            loss.backward()
            common.sgd_step(params, LR)

    results = {}
    arms = [("no BN", None), ("BN", "bn")]
    done = 0
    for arm, norm in arms:
        for order, shuffled in (("shuffled", ctx.treatment), ("single-class batches", False)):
            torch.manual_seed(ctx.seed)
            model = common.mlp(16, WIDTH, DEPTH, 4, norm)
            train(model, shuffled)
            results[(arm, order)] = common.accuracy(model, x_test, y_test)
            done += 1
            ctx.progress(done / 4, f"{arm}, {order}")

    bn_gap = results[("BN", "shuffled")] - results[("BN", "single-class batches")]
    plain_gap = results[("no BN", "shuffled")] - results[("no BN", "single-class batches")]
    checks = [
        Check({"en": "BN: test accuracy, shuffled - single-class batches > 0.3",
               "zh": "BN：测试准确率，打乱 − 单类别 batch > 0.3"}, bn_gap, ">", 0.3),
        Check({"en": "that gap with BN > the gap without BN + 0.25 (the harm is BN's)",
               "zh": "有 BN 时的差距 > 无 BN 时的差距 + 0.25（损害来自 BN）"}, bn_gap, ">", plain_gap + 0.25),
    ]
    words = {"no BN": "无 BN", "BN": "BN", "shuffled": "打乱", "single-class batches": "单类别 batch"}
    rows = [[{"en": arm, "zh": words[arm]}, {"en": order, "zh": words[order]}, round(acc, 3)]
            for (arm, order), acc in results.items()]
    finding = {
        "en": (f"Without BN the batch order matters much less (test accuracy {results[('no BN', 'shuffled')]:.3f} "
               f"shuffled vs {results[('no BN', 'single-class batches')]:.3f} with single-class batches). With BN, "
               f"shuffled batches give {results[('BN', 'shuffled')]:.3f} and single-class batches "
               f"{results[('BN', 'single-class batches')]:.3f} (chance 0.25): BN couples the examples of a batch, "
               f"so what shares a batch matters. This is the extreme case; Ioffe & Szegedy's gain from more "
               f"thorough shuffling was about 1%."),
        "zh": (f"不加 BN 时，batch 的组成影响小得多（测试准确率：打乱 {results[('no BN', 'shuffled')]:.3f}，单类别 batch "
               f"{results[('no BN', 'single-class batches')]:.3f}）。加 BN 时，打乱的 batch 得到 "
               f"{results[('BN', 'shuffled')]:.3f}，单类别 batch 只有 {results[('BN', 'single-class batches')]:.3f}"
               f"（随机为 0.25）：BN 把同一 batch 的样本耦合在一起，所以哪些样本同在一个 batch 很重要。这是极端情况；"
               f"Ioffe 和 Szegedy 通过更彻底的打乱获得约 1% 的提升。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "steps": STEPS, "lr": LR, "batch": BATCH,
                  "depth": DEPTH, "width": WIDTH},
        table=Table([{"en": "net", "zh": "网络"}, {"en": "batches", "zh": "batch 组成"},
                     {"en": "test acc", "zh": "测试准确率"}], rows),
        checks=checks, finding=finding,
    )
