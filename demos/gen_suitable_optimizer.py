"""Interview question: does a suitable optimizer help?

Two linear-regression problems, where the answer is known exactly:

1. Ill-conditioned: 20 features whose scales span a factor of 30 (condition
   number about 1000). Plain gradient descent (control) against heavy-ball
   momentum and Adam (treatment), each with its best learning rate from a
   small grid, 300 steps each.
2. Over-parameterized (8 independent draws): 200 weights, 80 noiseless examples, a dense random
   true weight vector. Gradient descent from zero converges to the
   minimum-norm interpolant, which for this prior is the best possible
   guess; Adam converges to a different interpolant (Wilson et al. 2017).
   Both fit the training set exactly; the test error differs.

With the treatment off the momentum and Adam arms run plain gradient
descent.
"""

from __future__ import annotations

import torch

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

METHODS = {"GD": {"en": "GD", "zh": "梯度下降"}, "momentum": {"en": "momentum", "zh": "动量法"},
           "Adam": {"en": "Adam", "zh": "Adam"}}

META = {
    "id": "gen_suitable_optimizer",
    "title": {"en": "Optimizers on an ill-conditioned problem, and what they converge to",
              "zh": "病态问题上的优化器，以及它们收敛到哪里"},
    "claim": {"en": "Use a suitable optimizer.",
              "zh": "使用合适的优化器等。"},
    "claims": ["gen_suitable_optimizer"],
    "verdict": "nuanced",
    "treatment": {"en": "heavy-ball momentum and Adam instead of plain gradient descent (off: all arms plain GD)",
                  "zh": "用重球动量法和 Adam 代替普通梯度下降（关闭后所有组都用普通 GD）"},
    "long": False,
    "refs": [
        "Wilson et al. 2017, The marginal value of adaptive gradient methods",
        "Choi et al. 2019, On empirical comparisons of optimizers for deep learning",
    ],
}

# Part 1: ill-conditioned least squares.
N, DIM = 200, 20
SCALE_RANGE = 1.5      # feature scales from 1 down to 10**-1.5: condition number ~1000
STEPS = 300
GD_GRID = [0.5, 1.0, 1.9]              # x 1/L (2/L is the stability limit)
MOMENTUM_GRID = [0.3, 1.0, 3.5]        # x 1/L, beta = 0.9 (stable below 2(1+beta)/L)
ADAM_GRID = [0.03, 0.1, 0.3, 1.0]
BETA = 0.9
# Part 2: over-parameterized least squares.
OP_PROBLEMS = 16       # independent draws, solved side by side (8: the mean ratio fell to 1.05 on a seed of 0-19; 16: 1.14-1.27 on 0-59)
OP_N, OP_DIM, OP_TEST = 80, 200, 1000
OP_STEPS = 600
OP_ADAM_LR = 0.03      # decayed linearly to 0 so that Adam settles on an interpolant


def _train(x: torch.Tensor, y: torch.Tensor, method: str, lr: float, steps: int,
           decay: bool = False) -> tuple[torch.Tensor, list[float]]:
    """Least squares by hand (no autograd): the gradient is 2/n X^T (Xw - y).

    x may hold a batch of problems, shape (problems, n, d); then the loss
    curve is the mean over them.
    """
    n, d = x.shape[-2:]
    w, m, v = (torch.zeros(*x.shape[:-2], d, dtype=x.dtype) for _ in range(3))
    losses = []
    for t in range(1, steps + 2):
        r = (x @ w.unsqueeze(-1)).squeeze(-1) - y
        losses.append((r * r).mean().item())
        if t > steps:
            break
        g = 2 / n * (x.transpose(-1, -2) @ r.unsqueeze(-1)).squeeze(-1)
        step_lr = lr * (1 - (t - 1) / steps) if decay else lr
        if method == "GD":
            w -= step_lr * g
        elif method == "momentum":
            m = BETA * m + g
            w -= step_lr * m
        else:  # Adam, default betas, bias-corrected
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w -= step_lr * (m / (1 - 0.9 ** t)) / ((v / (1 - 0.999 ** t)).sqrt() + 1e-8)
    return w, losses


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    d64 = torch.float64
    treated = {"momentum": "momentum", "Adam": "Adam"} if ctx.treatment else {"momentum": "GD", "Adam": "GD"}

    # Part 1.
    scales = torch.logspace(0, -SCALE_RANGE, DIM, dtype=d64)
    x = torch.randn(N, DIM, generator=g, dtype=d64) * scales
    y = x @ (torch.randn(DIM, generator=g, dtype=d64) / scales)  # every direction matters
    eig = torch.linalg.eigvalsh(2 / N * x.T @ x)
    lip, kappa = eig[-1].item(), (eig[-1] / eig[0]).item()
    loss0 = (y @ y / N).item()
    # Learning-rate grids as (label, lr): GD and momentum in units of 1/L, Adam
    # (whose step is about lr per coordinate, whatever the curvature) as is.
    per_l = lambda cs: [(f"{c:g}/L", c / lip) for c in cs]  # noqa: E731
    grids = {"GD": ("GD", per_l(GD_GRID)),
             "momentum": (treated["momentum"], per_l(MOMENTUM_GRID if ctx.treatment else GD_GRID)),
             "Adam": (treated["Adam"], [(f"{c:g}", c) for c in ADAM_GRID] if ctx.treatment else per_l(GD_GRID))}
    rows, best = [], {}
    for i, (arm, (method, grid)) in enumerate(grids.items()):
        ctx.progress(i / 4, f"ill-conditioned problem: {arm}")
        for label, lr in grid:
            _, losses = _train(x, y, method, lr, STEPS)
            rel = [lo / loss0 for lo in losses]
            rows.append([{"en": f"ill-conditioned: {method}", "zh": f"病态问题：{METHODS[method]['zh']}"},
                         {"en": label, "zh": label}, f"{rel[-1]:.2e}", ""])
            if arm not in best or rel[-1] < best[arm][-1]:
                best[arm] = rel

    # Part 2: several independent problems at once, so that the comparison
    # does not hang on one lucky draw.
    ctx.progress(0.75, "over-parameterized problems")
    shape = (OP_PROBLEMS, OP_N, OP_DIM)
    xo = torch.randn(*shape, generator=g, dtype=d64)
    w_true = torch.randn(OP_PROBLEMS, OP_DIM, generator=g, dtype=d64) / OP_DIM ** 0.5
    yo = (xo @ w_true.unsqueeze(-1)).squeeze(-1)
    xt = torch.randn(OP_PROBLEMS, OP_TEST, OP_DIM, generator=g, dtype=d64)
    yt = (xt @ w_true.unsqueeze(-1)).squeeze(-1)
    lip_o = torch.linalg.eigvalsh(2 / OP_N * xo.transpose(-1, -2) @ xo)[:, -1].max().item()
    results = {}
    for arm, method, lr in (("GD", "GD", 1.0 / lip_o),
                            ("Adam", treated["Adam"], OP_ADAM_LR if ctx.treatment else 1.0 / lip_o)):
        w, losses = _train(xo, yo, method, lr, OP_STEPS, decay=True)
        train_rel = losses[-1] / (yo ** 2).mean().item()
        test_rel = ((((xt @ w.unsqueeze(-1)).squeeze(-1) - yt) ** 2).mean(1) / (yt ** 2).mean(1))
        results[arm] = (train_rel, test_rel)
        rows.append([{"en": f"over-parameterized: {method}", "zh": f"过参数化问题：{METHODS[method]['zh']}"}, f"{lr:.3g}", f"{train_rel:.2e}",
                     round(test_rel.mean().item(), 4)])
    ctx.progress(1.0, "done")

    gd, mom, adam = best["GD"][-1], best["momentum"][-1], best["Adam"][-1]
    (_, gd_tests), (ad_tr, ad_tests) = results["GD"], results["Adam"]
    gd_te, ad_te = gd_tests.mean().item(), ad_tests.mean().item()
    worse = int((ad_tests > gd_tests).sum())
    checks = [
        Check({"en": "ill-conditioned: best momentum loss < 1e-3 x best GD loss",
               "zh": "病态问题：动量法的最佳损失 < 1e-3 × 梯度下降的最佳损失"}, mom, "<", gd, factor=1e-3),
        Check({"en": "ill-conditioned: best Adam loss < 1e-3 x best GD loss",
               "zh": "病态问题：Adam 的最佳损失 < 1e-3 × 梯度下降的最佳损失"}, adam, "<", gd, factor=1e-3),
        Check({"en": "over-parameterized: both interpolate (Adam train loss < 1e-4 x initial)",
               "zh": "过参数化问题：两者都能插值训练数据（Adam 训练损失 < 1e-4 × 初始值）"}, ad_tr, "<", 1e-4),
        # A ratio near 1, so stated as its distance from 1 (demos/README.md): the margin is then
        # relative to the 5% asked, not to the test error (as "> 1.05 x GD's" it read +8.8% on
        # seed 22, where Adam was 14% worse). The ratio was 1.14-1.27 over seeds 0-59.
        Check({"en": "over-parameterized: Adam's mean test error / GD's - 1 > 0.05 (Adam worse by over 5%)",
               "zh": "过参数化问题：Adam 的平均测试误差 / 梯度下降的 − 1 > 0.05（Adam 差 5% 以上）"},
              ad_te / gd_te - 1, ">", 0.05),
    ]
    finding = {
        "en": (f"With condition number {kappa:.0f}, after {STEPS} steps at its best learning rate plain GD is at "
               f"{gd:.1e} of the initial loss, momentum at {mom:.1e} and Adam at {adam:.1e}: on an ill-conditioned "
               f"problem the optimizer matters, and so does its tuning (see the grid). But faster is not better "
               f"generalization: on the over-parameterized problem both reach zero training loss, and GD's "
               f"minimum-norm solution has mean test error {gd_te:.3f} (relative) against {ad_te:.3f} for Adam (worse in "
               f"{worse} of {OP_PROBLEMS} problems). Only "
               "half of the claim holds; with enough tuning the differences between optimizers also shrink "
               "(Choi et al. 2019)."),
        "zh": (f"条件数为 {kappa:.0f} 时，各自用最佳学习率训练 {STEPS} 步后，普通 GD 的损失还剩初始值的 {gd:.1e}，动量法 "
               f"{mom:.1e}，Adam {adam:.1e}：在病态问题上优化器很重要，调参也很重要（见学习率网格）。但收敛快不等于泛化好："
               f"在过参数化问题上两者训练损失都降到 0,GD 得到的最小范数解平均相对测试误差为 {gd_te:.3f},Adam 为 {ad_te:.3f}"
               f"（{OP_PROBLEMS} 个问题中有 {worse} 个更差）。"
               "这个说法只对了一半；而且充分调参后优化器之间的差距也会缩小（Choi 等，2019）。"),
    }
    return DemoResult(
        settings={"n": N, "dim": DIM, "condition_number": round(kappa, 1), "steps": STEPS, "beta": BETA,
                  "op_problems": OP_PROBLEMS, "op_n": OP_N, "op_dim": OP_DIM, "op_steps": OP_STEPS, "treatment": ctx.treatment},
        table=Table([{"en": "problem: optimizer", "zh": "问题：优化器"}, {"en": "learning rate", "zh": "学习率"},
                     {"en": "final train loss (relative)", "zh": "最终训练损失（相对值）"},
                     {"en": f"test error (relative, mean of {OP_PROBLEMS})", "zh": f"测试误差（相对值，{OP_PROBLEMS} 个问题的平均）"}],
                    rows),
        labels={**METHODS, "n": {"en": "n", "zh": "样本数"}, "condition_number": {"en": "condition_number", "zh": "条件数"},
                "beta": {"en": "beta", "zh": "动量系数 beta"}, "op_problems": {"en": "op_problems", "zh": "过参数化问题数"},
                "op_n": {"en": "op_n", "zh": "过参数化样本数"}, "op_dim": {"en": "op_dim", "zh": "过参数化维度"},
                "op_steps": {"en": "op_steps", "zh": "过参数化训练步数"}},
        checks=checks,
        finding=finding,
        curves=[Curve({"en": "Ill-conditioned least squares, best learning rate each", "zh": "病态最小二乘，各自取最佳学习率"},
                      {"en": "step", "zh": "步数"}, {"en": "loss / initial loss", "zh": "损失 / 初始损失"},
                      [float(s) for s in range(STEPS + 1)], best, log_y=True)],
    )
