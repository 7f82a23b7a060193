"""Interview question: does Instance Normalization speed up convergence?

It depends on the task. Two toy tasks on 10x10 single-channel images, each
made of a random pattern under a per-image contrast (x0.2 to x5) and
brightness (+-3):
  A. "stylization-like": output a fixed filtering of the image's
     standardized pattern, whatever its contrast and brightness. The wanted
     output ignores each image's own statistics, which is exactly what IN
     removes, so the IN net converges much faster than the BN net or the
     plain net.
  B. classification: is the image bright (brightness > 0)? IN (with valid
     convolutions) removes the brightness entirely, so the IN net stays at
     chance while BN learns it (Wu & He 2018 and others: IN hurts
     classification, where per-image contrast is information).
"""

from __future__ import annotations

import math

META = {
    "id": "in_speeds_convergence",
    "title": {"en": "Does IN speed up convergence?",
              "zh": "IN 能加速收敛吗？"},
    "claim": {"en": "Using IN in style transfer not only speeds up convergence but also keeps image instances "
                    "independent.",
              "zh": "在风格迁移中使用 IN 不仅可以加速模型收敛，并且可以保持每个图像实例之间的独立性。"},
    "claims": ["in_speeds_convergence"],
    "verdict": "nuanced",
    "treatment": {"en": "InstanceNorm2d after the first conv (off: BatchNorm2d in its place)",
                  "zh": "第一层卷积后使用 InstanceNorm2d（关闭：换成 BatchNorm2d）"},
    "long": False,
}

SIZE, BATCH = 10, 16
STEPS_A, STEPS_B, LR = 80, 60, 0.02
TEST = 512


def run(ctx):
    import torch
    import torch.nn.functional as F
    from torch import nn

    from quizcli.demo import kit
    from quizcli.demo.api import Check, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)
    filt = torch.randn(1, 1, 5, 5, generator=g) / 5   # the fixed target filter of task A

    def images(n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        pattern = torch.randn(n, 1, SIZE, SIZE, generator=g)
        pattern = (pattern - pattern.mean(dim=(2, 3), keepdim=True)) / pattern.std(dim=(2, 3), keepdim=True)
        contrast = torch.exp(torch.empty(n, 1, 1, 1).uniform_(-1.6, 1.6, generator=g))
        brightness = 3 * torch.randn(n, 1, 1, 1, generator=g)
        return pattern, contrast * pattern + brightness, brightness.flatten()

    def norm_layer(kind: str) -> nn.Module:
        return {"none": nn.Identity(), "BN": nn.BatchNorm2d(8), "IN": nn.InstanceNorm2d(8)}[kind]

    def sgd(model: nn.Module, loss: torch.Tensor) -> None:
        for p in model.parameters():
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= LR * p.grad

    in_kind = "IN" if ctx.treatment else "BN"
    arms = {"no norm": "none", "BN": "BN", "IN": in_kind}
    results = {}
    curves_a = {}
    for j, (arm, kind) in enumerate(arms.items()):
        # Task A: valid convs, so IN's output is exactly invariant to contrast and brightness.
        with kit.fork_rng(ctx, 2):
            net = nn.Sequential(nn.Conv2d(1, 8, 3), norm_layer(kind), nn.ReLU(), nn.Conv2d(8, 1, 3))
        losses = []
        for _ in range(STEPS_A):
            pattern, x, _ = images(BATCH)
            loss = F.mse_loss(net(x), F.conv2d(pattern, filt))
            if not torch.isfinite(loss):
                losses += [math.nan] * (STEPS_A - len(losses))
                break
            losses.append(loss.item())
            sgd(net, loss)
        tail = losses[-20:]
        final_a = sum(tail) / len(tail)
        curves_a[arm] = losses
        # Task B: is the image bright?
        acc = float("nan")
        if kind != "none":
            with kit.fork_rng(ctx, 3):
                clf = nn.Sequential(nn.Conv2d(1, 8, 3), norm_layer(kind), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                    nn.Flatten(), nn.Linear(8, 2))
            for _ in range(STEPS_B):
                _, x, brightness = images(BATCH)
                sgd(clf, F.cross_entropy(clf(x), (brightness > 0).long()))
            clf.eval()
            _, x, brightness = images(TEST)
            with torch.no_grad():
                acc = (clf(x).argmax(1) == (brightness > 0).long()).float().mean().item()
        results[arm] = {"loss_a": final_a, "acc_b": acc}
        ctx.progress((j + 1) / len(arms), arm)

    r_in, r_bn = results["IN"], results["BN"]
    checks = [
        Check("task A (stylization-like): final loss with IN < 0.6 x with BN", r_in["loss_a"], "<",
              r_bn["loss_a"], factor=0.6),
        Check("task B (bright or dark?): BN accuracy > 0.85", r_bn["acc_b"], ">", 0.85),
        Check("task B: IN accuracy < 0.65 (chance 0.5)", r_in["acc_b"], "<", 0.65),
    ]

    def fmt(v: float, nd: int) -> str:
        return "diverged" if not math.isfinite(v) else f"{v:.{nd}f}"

    rows = [[arm, fmt(r["loss_a"], 4), "-" if arm == "no norm" else fmt(r["acc_b"], 3)]
            for arm, r in results.items()]
    # A diverged run has no curve to draw (the table says "diverged").
    finite = {k: vs for k, vs in curves_a.items() if all(math.isfinite(v) for v in vs)}
    title = "task A: training loss" + ("" if len(finite) == len(curves_a) else " (diverged runs left out)")
    curves = [kit.curve(title, "step", "MSE", finite, log_y=True)]
    finding = {
        "en": (f"When the wanted output ignores each image's contrast and brightness (task A), IN reached a loss of "
               f"{r_in['loss_a']:.3f} in {STEPS_A} steps vs {r_bn['loss_a']:.3f} with BN: it converges faster "
               f"because it removes exactly those per-image statistics. When they are the information (task B, "
               f"bright or dark), IN reached {r_in['acc_b']:.1%} accuracy (chance 50%) vs {r_bn['acc_b']:.1%} "
               f"with BN. IN speeds up stylization, not learning in general."),
        "zh": (f"当目标输出与每张图片的对比度和亮度无关时（任务 A），IN 在 {STEPS_A} 步内损失降到 {r_in['loss_a']:.3f}，"
               f"BN 为 {r_bn['loss_a']:.3f}：IN 恰好去掉了这些逐图统计量，所以收敛更快。当这些统计量本身就是信息时"
               f"（任务 B，判断明暗），IN 的准确率为 {r_in['acc_b']:.1%}（随机为 50%），BN 为 {r_bn['acc_b']:.1%}。"
               f"IN 加速的是风格化这类任务，而不是所有学习。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "size": SIZE, "batch": BATCH, "steps_a": STEPS_A,
                  "steps_b": STEPS_B, "lr": LR, "test": TEST},
        table=Table(["net", "task A final loss", "task B test accuracy"], rows),
        checks=checks, finding=finding, curves=curves,
    )
