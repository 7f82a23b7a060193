"""Interview question: why does the choice of loss function matter?

A sigmoid output trained with mean squared error (control) or with binary
cross-entropy (treatment). First the gradient with respect to the logit for
one confidently wrong prediction; then a logistic-regression model started
confidently wrong (its weights point the wrong way) and trained with plain
gradient descent, same learning rate, for each loss. With the treatment off
both arms use MSE.
"""

from __future__ import annotations

import torch
from torch import nn

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

META = {
    "id": "gen_suitable_loss",
    "title": {"en": "A loss suited to the output: cross-entropy vs MSE on a sigmoid",
              "zh": "与输出匹配的损失：sigmoid 上的交叉熵与 MSE"},
    "claim": {"en": "Choose a suitable objective (loss) function.",
              "zh": "选用合适的目标函数。"},
    "claims": ["gen_suitable_loss"],
    "verdict": "true",
    "treatment": {"en": "binary cross-entropy on the sigmoid output (off: MSE in both arms)",
                  "zh": "在 sigmoid 输出上用二元交叉熵（关闭后两组都用 MSE）"},
    "long": False,
    "refs": [
        "Golik et al. 2013, Cross-entropy vs. squared error training",
        "Hui & Belkin 2021, Evaluation of neural architectures trained with square loss vs cross-entropy",
    ],
}

DIM = 5             # input dimension
N = 500             # training points, labelled by a linear teacher
WRONG_LOGIT = -6.0  # logit of the single confidently wrong prediction (true label 1)
INIT_SCALE = 8.0    # the model starts at -INIT_SCALE x the teacher's direction: confidently wrong
STEPS = 200         # full-batch gradient descent steps
LR = 1.0


def _loss(name: str, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if name == "cross-entropy":
        return nn.functional.binary_cross_entropy_with_logits(logits, y)
    return ((torch.sigmoid(logits) - y) ** 2).mean()


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    control, treated = "MSE", ("cross-entropy" if ctx.treatment else "MSE")

    # 1. One confidently wrong prediction: d loss / d logit.
    grads = {}
    for arm, name in (("control", control), ("treatment", treated)):
        z = torch.tensor([WRONG_LOGIT], requires_grad=True)
        _loss(name, z, torch.ones(1)).backward()
        grads[arm] = abs(z.grad.item())

    # 2. Training from a confidently wrong start.
    teacher = torch.randn(DIM, generator=g)
    teacher /= teacher.norm()
    x = torch.randn(N, DIM, generator=g)
    y = (x @ teacher > 0).float()
    curves_acc, curves_loss, final = {}, {}, {}
    for i, (arm, name) in enumerate((("control", control), ("treatment", treated))):
        ctx.progress(i / 2, f"training with {name}")
        w = (-INIT_SCALE * teacher).clone().requires_grad_(True)
        b = torch.zeros(1, requires_grad=True)
        accs, losses = [], []
        for _ in range(STEPS):
            logits = x @ w + b
            loss = _loss(name, logits, y)
            w.grad = b.grad = None
            loss.backward()
            with torch.no_grad():
                w -= LR * w.grad
                b -= LR * b.grad
                accs.append(((logits > 0).float() == y).float().mean().item())
                losses.append(loss.item())
        label = f"{arm}: {name}"
        curves_acc[label], curves_loss[label] = accs, losses
        final[arm] = accs[-1]
    ctx.progress(1.0, "done")

    checks = [
        Check({"en": "|d loss/d logit| when confidently wrong: treatment > 50 x control",
               "zh": "自信地预测错误时的 |d 损失/d logit|：处理组 > 50 × 对照组"},
              grads["treatment"], ">", grads["control"], factor=50),
        # As an error rate, so that the margin is relative to the 5% allowed.
        Check({"en": f"error after {STEPS} steps from a wrong start: treatment < 0.05",
               "zh": f"从错误的起点训练 {STEPS} 步后的错误率：处理组 < 0.05"}, 1 - final["treatment"], "<", 0.05),
        Check({"en": "accuracy after training: treatment > control + 0.3", "zh": "训练后的准确率：处理组 > 对照组 + 0.3"},
              final["treatment"], ">", final["control"] + 0.3),
    ]
    arm_zh, loss_zh = {"control": "对照组", "treatment": "处理组"}, {"MSE": "MSE", "cross-entropy": "交叉熵"}
    rows = [[{"en": arm, "zh": arm_zh[arm]}, {"en": name, "zh": loss_zh[name]}, round(grads[arm], 6), round(final[arm], 4)]
            for arm, name in (("control", control), ("treatment", treated))]
    labels = {f"{arm}: {name}": {"en": f"{arm}: {name}", "zh": f"{arm_zh[arm]}：{loss_zh[name]}"}
              for arm, name in (("control", control), ("treatment", treated))}
    finding = {
        "en": (f"At logit {WRONG_LOGIT:g} with true label 1, the gradient on the logit is {grads['treatment']:.3f} "
               f"with {treated} and {grads['control']:.4f} with {control}: MSE through a sigmoid multiplies by "
               f"sigmoid'(z), which vanishes exactly when the model is confidently wrong. From a confidently wrong "
               f"start, {STEPS} steps reach {final['treatment']:.1%} accuracy with {treated} and "
               f"{final['control']:.1%} with {control}."),
        "zh": (f"logit 为 {WRONG_LOGIT:g}、真实标签为 1 时，对 logit 的梯度用 {treated} 是 {grads['treatment']:.3f}，"
               f"用 {control} 是 {grads['control']:.4f}：经过 sigmoid 的 MSE 要乘以 sigmoid'(z)，而它恰恰在模型"
               f"自信地犯错时趋于 0。从自信错误的初始点出发训练 {STEPS} 步，{treated} 达到 {final['treatment']:.1%} "
               f"准确率，{control} 只有 {final['control']:.1%}。"),
    }
    return DemoResult(
        settings={"dim": DIM, "n": N, "wrong_logit": WRONG_LOGIT, "init_scale": INIT_SCALE, "steps": STEPS,
                  "lr": LR, "treatment": ctx.treatment},
        table=Table([{"en": "arm", "zh": "组别"}, {"en": "loss", "zh": "损失函数"},
                     {"en": "|d loss/d logit| when wrong", "zh": "预测错误时的 |d 损失/d logit|"},
                     {"en": "final accuracy", "zh": "最终准确率"}], rows),
        labels={**labels, "n": {"en": "n", "zh": "样本数"}, "wrong_logit": {"en": "wrong_logit", "zh": "错误预测的 logit"},
                "init_scale": {"en": "init_scale", "zh": "初始化幅度"}},
        checks=checks,
        finding=finding,
        curves=[Curve({"en": "Training accuracy from a confidently wrong start", "zh": "从自信的错误起点开始的训练准确率"},
                      {"en": "step", "zh": "步数"}, {"en": "accuracy", "zh": "准确率"},
                      [float(s) for s in range(STEPS)], curves_acc),
                Curve({"en": "Training loss", "zh": "训练损失"}, {"en": "step", "zh": "步数"}, {"en": "loss", "zh": "损失"},
                      [float(s) for s in range(STEPS)], curves_loss)],
    )
