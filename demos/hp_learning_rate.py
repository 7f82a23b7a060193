"""Interview question: how does the learning rate matter, and what limits it?

Gradient descent on least squares, a quadratic whose curvature is known:
the largest eigenvalue L of the Hessian. Theory: gradient descent is stable
exactly when lr < 2/L. The control uses lr = 1/L; the treatment arms use a
learning rate 50 times too small and one just past the limit (2.1/L). A
sweep over lr then finds the stability limit empirically. With the
treatment off the two treatment arms use 1/L too.
"""

from __future__ import annotations

import torch

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

ARMS = {"too small (treatment)": {"en": "too small (treatment)", "zh": "太小（处理）"},
        "1/L (control)": {"en": "1/L (control)", "zh": "1/L（对照）"},
        "past 2/L (treatment)": {"en": "past 2/L (treatment)", "zh": "超过 2/L（处理）"}}

META = {
    "id": "hp_learning_rate",
    "title": {"en": "The learning rate: too small, right, and past the 2/L stability limit",
              "zh": "学习率：太小、合适、以及超过 2/L 稳定极限"},
    "claim": {"en": "Hyperparameters one can tune when training deep networks include the learning rate.",
              "zh": "深度学习炼丹可以调节的一些超参数：学习率。"},
    "claims": ["hp_learning_rate"],
    "verdict": "true",
    "treatment": {"en": "learning rates of 0.02/L and 2.1/L beside the control's 1/L (off: all arms 1/L)",
                  "zh": "在对照组 1/L 之外，使用 0.02/L 和 2.1/L 的学习率（关闭后所有组都用 1/L）"},
    "long": False,
    "refs": [
        "Bengio 2012, Practical recommendations for gradient-based training",
        "Cohen et al. 2021, Gradient descent on neural networks typically occurs at the edge of stability",
    ],
}

N, DIM = 200, 10
SCALE_RANGE = 0.5     # feature scales 1 .. 10**-0.5: condition number about 10
STEPS = 100
SMALL, LARGE = 0.02, 2.1           # treatment learning rates, in units of 1/L
FLOOR = 1e-16         # relative excess losses below this are float64 round-off; plots stop there
SWEEP = [0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 1.5, 1.8, 1.9, 1.95, 1.98, 2.02, 2.05, 2.1, 2.2, 2.5]  # x 1/L


def _gd(h: torch.Tensor, b: torch.Tensor, c: float, lr: float) -> list[float]:
    """Gradient descent on f(w) = w^T H w / 2 - b^T w + c from w = 0; returns f per step."""
    w = torch.zeros(len(b), dtype=h.dtype)
    losses = []
    for _ in range(STEPS + 1):
        losses.append((0.5 * w @ h @ w - b @ w + c).item())
        w = w - lr * (h @ w - b)
    return losses


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    d64 = torch.float64
    x = torch.randn(N, DIM, generator=g, dtype=d64) * torch.logspace(0, -SCALE_RANGE, DIM, dtype=d64)
    y = x @ torch.randn(DIM, generator=g, dtype=d64) + 0.1 * torch.randn(N, generator=g, dtype=d64)
    # Mean squared error / 2 as a quadratic: H = X^T X / n, b = X^T y / n.
    h, b, c = x.T @ x / N, x.T @ y / N, (y @ y / (2 * N)).item()
    eig = torch.linalg.eigvalsh(h)
    lip, kappa = eig[-1].item(), (eig[-1] / eig[0]).item()
    optimum = (c - 0.5 * b @ torch.linalg.solve(h, b)).item()

    arms = {"too small (treatment)": SMALL if ctx.treatment else 1.0,
            "1/L (control)": 1.0,
            "past 2/L (treatment)": LARGE if ctx.treatment else 1.0}
    initial = c - optimum
    curves, final = {}, {}
    for i, (name, mult) in enumerate(arms.items()):
        ctx.progress(i / 4, f"lr = {mult:g}/L")
        losses = _gd(h, b, c, mult / lip)
        # Excess loss over the optimum relative to the start: 1 at step 0, 0 at the optimum.
        curves[f"{name}: {mult:g}/L"] = [max((lo - optimum) / initial, FLOOR) for lo in losses]
        final[name] = (losses[-1] - optimum) / initial
    ctx.progress(0.75, "sweep")
    sweep = [(_gd(h, b, c, m / lip)[-1] - optimum) / initial for m in SWEEP]
    stable = [m for m, f in zip(SWEEP, sweep) if f < 1.0]
    limit = max(stable) if stable else 0.0
    first_unstable = min((m for m in SWEEP if m > limit), default=float("nan"))
    ctx.progress(1.0, "done")

    small, right, large = final.values()
    checks = [
        Check({"en": "lr 2.1/L: excess loss after training > its initial value (diverges)",
               "zh": "学习率 2.1/L：训练后的超额损失 > 初始值（发散）"}, large, ">", 1.0),
        Check({"en": "lr 0.02/L: excess loss > 100 x the 1/L arm's (too slow)", "zh": "学习率 0.02/L：超额损失 > 100 × 学习率 1/L 组的（太慢）"},
              small, ">", right, factor=100),
        # One check of the distance from 2/L, so that the margin is relative to
        # the tolerance (3%) rather than to 1.
        Check({"en": "largest stable lr in the sweep, in units of 2/L: |value - 1| < 0.03",
               "zh": "扫描中最大的稳定学习率（以 2/L 为单位）：|值 − 1| < 0.03"}, abs(limit / 2 - 1), "<", 0.03),
    ]
    fmt = lambda f: (f"{f:.3e}" if f >= FLOOR else  # noqa: E731
                     {"en": f"< {FLOOR:g} (converged)", "zh": f"< {FLOOR:g}（已收敛）"})
    per_l = lambda m: {"en": f"{m:g}/L", "zh": f"{m:g}/L"}  # noqa: E731
    rows = [[ARMS[name], per_l(m), fmt(f)] for (name, m), f in zip(arms.items(), final.values())]
    rows += [[{"en": "sweep", "zh": "扫描"}, per_l(m), fmt(f)] for m, f in zip(SWEEP, sweep)]
    finding = {
        "en": (f"On a quadratic with largest curvature L = {lip:.3f} (condition number {kappa:.1f}), {STEPS} steps "
               f"at lr = 1/L leave {right:.1e} of the initial excess loss; at 0.02/L still {small:.1e} (too slow); at "
               f"2.1/L it grows to {large:.1e} times the initial value (diverged). The sweep is stable up to {limit:g}/L and "
               f"diverges from {first_unstable:g}/L: the limit is 2/L, set by the sharpest direction. In a neural "
               "network the curvature changes during training, so the limit is not fixed (edge of stability), "
               "but too small is slow and too large blows up."),
        "zh": (f"在最大曲率 L = {lip:.3f}（条件数 {kappa:.1f}）的二次函数上，学习率 1/L 训练 {STEPS} 步后剩余损失为初始值的 {right:.1e}；"
               f"0.02/L 时仍有 {small:.1e}（太慢）；2.1/L 时增长到初始值的 {large:.1e} 倍（发散）。扫描显示到 "
               f"{limit:g}/L 仍稳定，从 {first_unstable:g}/L 开始发散：极限就是由最陡方向决定的 2/L。神经网络的曲率在训练中"
               "会变化，所以这个极限不是固定的（edge of stability），但太小就慢、太大就炸，这一点不变。"),
    }
    return DemoResult(
        settings={"n": N, "dim": DIM, "L": round(lip, 5), "condition_number": round(kappa, 2), "steps": STEPS,
                  "treatment": ctx.treatment},
        table=Table([{"en": "arm", "zh": "组别"}, {"en": "learning rate", "zh": "学习率"},
                     {"en": f"excess loss after {STEPS} steps / initial", "zh": f"{STEPS} 步后的超额损失 / 初始值"}], rows),
        labels={**{f"{name}: {m:g}/L": {"en": f"{name}: {m:g}/L", "zh": f"{ARMS[name]['zh']}：{m:g}/L"}
                   for name, m in arms.items()}, "n": {"en": "n", "zh": "样本数"}, "L": {"en": "L", "zh": "平滑常数 L"},
                "condition_number": {"en": "condition_number", "zh": "条件数"}, "final": {"en": "final", "zh": "最终值"}},
        checks=checks,
        finding=finding,
        curves=[Curve({"en": "Excess loss per step", "zh": "每步的超额损失"}, {"en": "step", "zh": "步数"},
                      {"en": "(loss - optimum) / initial", "zh": "（损失 − 最优值）/ 初始值"},
                      [float(s) for s in range(STEPS + 1)], curves, log_y=True),
                Curve({"en": f"Excess loss after {STEPS} steps vs learning rate", "zh": f"{STEPS} 步后的超额损失与学习率"},
                      {"en": "lr x L", "zh": "学习率 × L"}, {"en": "(loss - optimum) / initial", "zh": "（损失 − 最优值）/ 初始值"},
                      SWEEP, {"final": [max(f, FLOOR) for f in sweep]}, log_y=True)],
    )
