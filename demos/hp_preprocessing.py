"""Interview question: why standardize the inputs?

Least-squares regression (with a bias) on five tabular-looking features with
very different means and scales (think age in years, height in cm, a ratio,
a count, a weight in kg). Gradient descent at its best safe learning rate,
1/L, on the raw features (control) and on standardized features (treatment:
subtract the training mean, divide by the training std). Measured: the
condition number of the Hessian and the number of steps to reach the optimum
(excess loss below 1e-6 of its starting value). With the treatment off both
arms use the raw features.
"""

from __future__ import annotations

import torch

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

ARMS = {"raw (control)": {"en": "raw (control)", "zh": "原始输入（对照）"},
        "standardized (treatment)": {"en": "standardized (treatment)", "zh": "标准化（处理）"}}

META = {
    "id": "hp_preprocessing",
    "title": {"en": "Input standardization and conditioning",
              "zh": "输入标准化与条件数"},
    "claim": {"en": "Hyperparameters one can tune when training deep networks include preprocessing (input size, data normalization).",
              "zh": "深度学习炼丹可以调节的一些超参数：预处理（数据尺寸，数据Normalization）。"},
    "claims": ["hp_preprocessing"],
    "verdict": "true",
    "treatment": {"en": "standardize each input feature (off: raw features in both arms)",
                  "zh": "对每个输入特征做标准化（关闭后两组都用原始特征）"},
    "long": False,
    "refs": [
        "LeCun et al. 1998, Efficient BackProp",
    ],
}

N = 500
MEANS = [40.0, 170.0, 0.5, 3.0, 70.0]    # feature means
STDS = [12.0, 10.0, 0.1, 1.5, 15.0]      # feature standard deviations
NOISE = 0.5
TOL = 1e-6           # converged: excess loss < TOL x the excess loss at w = 0
MAX_STEPS = 5000     # give up here
CURVE_STEPS = 100    # steps shown in the curve
FLOOR = 1e-16        # float64 round-off: the curve stops there


def _gd(x: torch.Tensor, y: torch.Tensor) -> tuple[int, list[float], float, float]:
    """GD at lr = 1/L on MSE/2.

    Returns the steps to converge (MAX_STEPS if it did not), the relative
    excess loss of the first CURVE_STEPS steps, the final relative excess
    loss, and the condition number.
    """
    h = x.T @ x / len(y)
    b = x.T @ y / len(y)
    eig = torch.linalg.eigvalsh(h)
    lr, kappa = 1.0 / eig[-1].item(), (eig[-1] / eig[0]).item()
    w_opt = torch.linalg.solve(h, b)

    def excess(w: torch.Tensor) -> float:
        d = w - w_opt
        return (0.5 * d @ h @ d).item()

    w = torch.zeros(x.shape[1], dtype=x.dtype)
    start = excess(w)
    curve = [1.0]
    rel = 1.0
    for step in range(1, MAX_STEPS + 1):
        w = w - lr * (h @ w - b)
        rel = excess(w) / start
        if step <= CURVE_STEPS:
            curve.append(max(rel, FLOOR))
        if rel < TOL:
            break
    curve += [curve[-1]] * (CURVE_STEPS + 1 - len(curve))  # converged: flat from here on
    return (step if rel < TOL else MAX_STEPS), curve, rel, kappa


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    d64 = torch.float64
    raw = torch.randn(N, len(MEANS), generator=g, dtype=d64) * torch.tensor(STDS, dtype=d64) \
        + torch.tensor(MEANS, dtype=d64)
    # The target depends on standardized features with O(1) weights.
    z = (raw - raw.mean(0)) / raw.std(0)
    y = z @ torch.randn(len(MEANS), generator=g, dtype=d64) + 2.0 + NOISE * torch.randn(N, generator=g, dtype=d64)
    ones = torch.ones(N, 1, dtype=d64)
    arms = {"raw (control)": raw, "standardized (treatment)": z if ctx.treatment else raw}
    rows, curves, res = [], {}, {}
    for i, (name, feats) in enumerate(arms.items()):
        ctx.progress(i / 2, f"gradient descent: {name}")
        steps, curve, final, kappa = _gd(torch.cat([ones, feats], 1), y)
        res[name] = (steps, kappa)
        curves[name] = curve
        rows.append([ARMS[name], f"{kappa:.3g}", steps if steps < MAX_STEPS else
                     {"en": f">= {MAX_STEPS} (not converged)", "zh": f">= {MAX_STEPS}（未收敛）"},
                     f"{final:.2e}"])
    ctx.progress(1.0, "done")

    (s_raw, k_raw), (s_std, k_std) = res.values()
    checks = [
        Check({"en": "condition number: raw > 1000 x standardized", "zh": "条件数：原始输入 > 1000 × 标准化后"},
              k_raw, ">", k_std, factor=1000),
        Check({"en": "steps to converge, standardized < 200", "zh": "收敛所需步数，标准化后 < 200"}, s_std, "<", 200),
        Check({"en": "steps to converge: raw > 20 x standardized", "zh": "收敛所需步数：原始输入 > 20 × 标准化后"},
              s_raw, ">", s_std, factor=20),
    ]
    raw_steps = f"{s_raw}" if s_raw < MAX_STEPS else f"more than {MAX_STEPS}"
    raw_steps_zh = f" {s_raw} " if s_raw < MAX_STEPS else f"超过 {MAX_STEPS} "
    finding = {
        "en": (f"With raw features (means up to {max(MEANS):g}, stds from {min(STDS):g} to {max(STDS):g}) the Hessian's "
               f"condition number is {k_raw:.2e}, and gradient descent at lr = 1/L needs {raw_steps} steps; "
               f"standardized, it is {k_std:.2f} and {s_std} steps suffice. GD's step is limited by the steepest "
               "direction and its progress by the flattest, so conditioning sets the speed; adaptive optimizers and "
               "normalization layers soften this, but standardizing costs nothing."),
        "zh": (f"用原始特征（均值最大 {max(MEANS):g}，标准差从 {min(STDS):g} 到 {max(STDS):g}）时 Hessian 的条件数为 "
               f"{k_raw:.2e}，学习率 1/L 的梯度下降需要{raw_steps_zh}步；标准化后条件数为 {k_std:.2f}，{s_std} 步就收敛。"
               "GD 的步长受最陡方向限制，进度受最平方向限制，所以条件数决定速度；自适应优化器和归一化层能缓解，"
               "但标准化几乎零成本。"),
    }
    return DemoResult(
        settings={"n": N, "means": MEANS, "stds": STDS, "tolerance": TOL, "max_steps": MAX_STEPS,
                  "treatment": ctx.treatment},
        table=Table([{"en": "inputs", "zh": "输入"}, {"en": "condition number", "zh": "条件数"},
                     {"en": "GD steps to converge", "zh": "梯度下降收敛步数"},
                     {"en": "final excess loss / start", "zh": "最终超额损失 / 初始值"}], rows),
        labels={**ARMS, "n": {"en": "n", "zh": "样本数"}, "means": {"en": "means", "zh": "特征均值"},
                "stds": {"en": "stds", "zh": "特征标准差"}, "tolerance": {"en": "tolerance", "zh": "收敛容差"},
                "max_steps": {"en": "max_steps", "zh": "最大步数"}},
        checks=checks,
        finding=finding,
        curves=[Curve({"en": f"Excess loss / start, first {CURVE_STEPS} steps", "zh": f"超额损失 / 初始值，前 {CURVE_STEPS} 步"},
                      {"en": "step", "zh": "步数"}, {"en": "relative excess loss", "zh": "相对超额损失"},
                      [float(i) for i in range(CURVE_STEPS + 1)], curves, log_y=True)],
    )
