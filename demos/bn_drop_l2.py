"""Interview question: with BN, can you drop L2 regularization (weight decay)?

Not as stated. A weight matrix followed by BN is scale-invariant: scaling W
by 10 leaves the layer's output unchanged, so an L2 penalty on W cannot limit
what the network computes. What it does change is training: without L2 the
norm of W grows (the gradient is orthogonal to W, so each SGD step lengthens
it), and the effective learning rate, lr / |W|^2, decays. With L2 the norm
stays bounded and the effective learning rate stays high (van Laarhoven
2017; Zhang et al. 2019). Dropping L2 is therefore not free: it changes the
learning-rate schedule. Ioffe & Szegedy only reduced L2 (by 5x), they did not
remove it.
"""

from __future__ import annotations


ARMS = {"no L2": {"en": "no L2", "zh": "无 L2"}, "L2": {"en": "L2", "zh": "L2"}}

META = {
    "id": "bn_drop_l2",
    "title": {"en": "BN and L2 regularization",
              "zh": "BN 与 L2 正则化"},
    "claim": {"en": "With BN you can do without dropout and L2 regularization.",
              "zh": "使用 BN 后可以不用 dropout 和 L2 正则化。"},
    "claims": ["bn_drop_l2"],
    "verdict": "nuanced",
    "treatment": {"en": "L2 weight decay 0.01 (off: no weight decay in either arm)",
                  "zh": "L2 权重衰减 0.01（关闭：两组都不用权重衰减）"},
    "long": False,
}

DEPTH, WIDTH = 3, 32
STEPS, LR, BATCH = 120, 1.0, 32
WEIGHT_DECAY = 0.01


def _common():
    """demos/_norm_common.py, loaded by path like the demo itself."""
    from quizcli.demo import kit

    return kit.sibling(__file__, "_norm_common.py")


def run(ctx):
    import torch

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    common = _common()
    x, y, x_test, y_test = common.teacher_task(kit.generator(ctx, 1), 1024, 512)

    # 1. Scale invariance: W in front of BN can be scaled freely.
    torch.manual_seed(ctx.seed)
    model = common.mlp(16, WIDTH, DEPTH, 4, "bn")
    with torch.no_grad():
        before = model(x[:64])
        model[3].weight.mul_(10.0)          # the second hidden Linear, followed by BN
        after = model(x[:64])
    invariance = (before - after).abs().max().item()

    # 2. Training with and without L2.
    results = {}
    arms = (("no L2", 0.0), ("L2", WEIGHT_DECAY if ctx.treatment else 0.0))
    for j, (arm, wd) in enumerate(arms):
        torch.manual_seed(ctx.seed)
        model = common.mlp(16, WIDTH, DEPTH, 4, "bn")
        layer = model[3]
        norm0 = layer.weight.norm().item()
        norms: list[float] = []
        losses = common.train(model, x, y, STEPS, LR, BATCH, kit.generator(ctx, 2), weight_decay=wd,
                              on_step=lambda step: norms.append(layer.weight.norm().item()))
        results[arm] = {"norm0": norm0, "norms": norms, "norm": norms[-1], "eff_lr": LR / norms[-1] ** 2,
                        "loss": common.tail_mean(losses), "acc": common.accuracy(model, x_test, y_test)}
        ctx.progress((j + 1) / len(arms), arm)

    plain, l2 = results["no L2"], results["L2"]
    checks = [
        Check({"en": "scaling a pre-BN weight by 10 changes the output by (max abs; BN eps)",
               "zh": "把 BN 之前的权重放大 10 倍后输出的变化（最大绝对差；来自 BN 的 eps）"}, invariance, "<", 1e-3),
        Check({"en": "pre-BN weight norm at the end: no L2 > 1.5 x L2", "zh": "训练结束时 BN 之前的权重范数：无 L2 > 1.5 × L2"},
              plain["norm"], ">", l2["norm"], factor=1.5),
        Check({"en": "effective lr = lr/|W|^2 at the end: L2 > 2 x no L2",
               "zh": "训练结束时的有效学习率 lr/|W|^2：L2 > 2 × 无 L2"}, l2["eff_lr"], ">", plain["eff_lr"], factor=2),
    ]
    rows = [[ARMS[arm], round(r["norm0"], 3), round(r["norm"], 3), f"{r['eff_lr']:.3f}", round(r["loss"], 3),
             round(r["acc"], 3)] for arm, r in results.items()]
    curves = [kit.curve({"en": "effective learning rate lr / |W|^2 of a pre-BN layer",
                         "zh": "BN 之前一层的有效学习率 lr / |W|^2"}, {"en": "step", "zh": "步数"}, {"en": "lr / |W|^2", "zh": "lr / |W|^2"},
                        {a: [LR / n ** 2 for n in r["norms"]] for a, r in results.items()}, log_y=True)]
    finding = {
        "en": (f"Scaling a weight in front of BN by 10 changed the output by {invariance:.1e}: L2 on it does not "
               f"restrict the function. It changes training: without L2 the weight norm grew from "
               f"{plain['norm0']:.2f} to {plain['norm']:.2f} and the effective learning rate fell to "
               f"{plain['eff_lr']:.3f}; with L2 the norm ended at {l2['norm']:.2f} and the effective rate at "
               f"{l2['eff_lr']:.3f}. Dropping L2 silently lowers the learning rate (test accuracy here "
               f"{plain['acc']:.3f} without vs {l2['acc']:.3f} with L2)."),
        "zh": (f"把 BN 之前的权重放大 10 倍，输出只变化 {invariance:.1e}：对它施加 L2 并不约束网络函数。它改变的是训练："
               f"不用 L2 时权重范数从 {plain['norm0']:.2f} 增长到 {plain['norm']:.2f}，有效学习率降到 "
               f"{plain['eff_lr']:.3f}；使用 L2 时范数最终为 {l2['norm']:.2f}，有效学习率为 {l2['eff_lr']:.3f}。"
               f"去掉 L2 会悄悄降低学习率（本次测试准确率：不用 L2 为 {plain['acc']:.3f}，用 L2 为 {l2['acc']:.3f}）。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "depth": DEPTH, "width": WIDTH, "steps": STEPS,
                  "lr": LR, "batch": BATCH, "weight_decay": WEIGHT_DECAY},
        table=Table([{"en": "training", "zh": "训练方式"}, {"en": "|W| at start", "zh": "初始 |W|"},
                     {"en": "|W| at end", "zh": "最终 |W|"}, {"en": "effective lr at end", "zh": "最终有效学习率"},
                     {"en": "final loss", "zh": "最终损失"}, {"en": "test acc", "zh": "测试准确率"}], rows),
        checks=checks, finding=finding, curves=curves,
        labels={**ARMS, "weight_decay": {"en": "weight_decay", "zh": "权重衰减"}},
    )
