"""Interview question: why does spectral normalization use power iteration
instead of an SVD, and why is one iteration per step enough?

Power iteration (v <- W^T u / |.|, u <- W v / |.|, sigma ~ u^T W v) costs two
matrix-vector products; an SVD of W costs O(m n min(m, n)). From a cold
start it converges at the rate (sigma_2 / sigma_1)^2 per iteration, which is
slow for a random matrix whose top singular values are close. Miyato et al.
2018's trick is to keep u from one training step to the next: the weights
change little per step, so a single iteration per step tracks sigma_1
closely. This demo simulates 100 small weight updates and compares one
iteration per step with a persistent u (the treatment) against one iteration
from a fresh random u every step.
"""

from __future__ import annotations

META = {
    "id": "sn_power_iteration",
    "title": {"en": "Power iteration instead of SVD",
              "zh": "用幂迭代代替 SVD"},
    "claim": {"en": "Spectral normalization divides each weight matrix by its largest singular value; a real "
                    "SVD per layer would be too slow, so power iteration is used.",
              "zh": "谱归一化把每层参数矩阵除以其最大奇异值；真做逐层 SVD 太耗时，所以采用幂迭代求解。"},
    "claims": ["sn_power_iteration"],
    "verdict": "true",
    "treatment": {"en": "u kept from one step to the next, as in Miyato et al. (off: a fresh random u every "
                        "step)",
                  "zh": "u 在训练步之间保留（Miyato 等的做法；关闭：每步重新随机初始化 u）"},
    "long": False,
}

M, N = 64, 128        # weight matrix shape
COLD_ITERS = 60       # iterations from a cold start, for the convergence curve
STEPS = 100           # simulated training steps
DRIFT = 0.003         # relative size of each step's weight change


def run(ctx):
    import torch

    from quizcli.demo import kit
    from quizcli.demo.api import Check, Curve, DemoResult, Table

    kit.setup(ctx)
    g = kit.generator(ctx, 1)

    def unit(v: torch.Tensor) -> torch.Tensor:
        return v / v.norm()

    def iterate(w: torch.Tensor, u: torch.Tensor) -> tuple[torch.Tensor, float]:
        v = unit(w.T @ u)
        u = unit(w @ v)
        return u, (u @ w @ v).item()

    w = torch.randn(M, N, generator=g, dtype=torch.float64) / N ** 0.5
    sv = torch.linalg.svdvals(w)
    sigma, gap = sv[0].item(), (sv[1] / sv[0]).item()

    # Cold start: error after k iterations.
    u = unit(torch.randn(M, generator=g, dtype=torch.float64))
    cold = []
    for _ in range(COLD_ITERS):
        u, est = iterate(w, u)
        cold.append(abs(est - sigma) / sigma)
    ctx.progress(0.3, "cold start")

    # Training: W drifts a little each step; one power iteration per step.
    u_keep = unit(torch.randn(M, generator=g, dtype=torch.float64))
    tracked, fresh = [], []
    for step in range(STEPS):
        w = w + DRIFT * torch.randn(M, N, generator=g, dtype=torch.float64) / N ** 0.5
        true = torch.linalg.svdvals(w)[0].item()          # reference only; SN itself never computes it
        u_start = u_keep if ctx.treatment else unit(torch.randn(M, generator=g, dtype=torch.float64))
        u_keep, est = iterate(w, u_start)
        tracked.append(abs(est - true) / true)
        _, est_fresh = iterate(w, unit(torch.randn(M, generator=g, dtype=torch.float64)))
        fresh.append(abs(est_fresh - true) / true)
        if step % 25 == 0:
            ctx.progress(0.3 + 0.7 * step / STEPS, "training steps")
    ctx.progress(1.0, "done")

    final_tracked = sum(tracked[-10:]) / 10
    final_fresh = sum(fresh[-10:]) / 10
    power_madds = 2 * M * N                                   # two matrix-vector products
    svd_madds = 2 * max(M, N) * min(M, N) ** 2                # Golub-Kahan bidiagonalization, leading term
    checks = [
        Check({"en": "1 iteration/step with the kept u: relative error of sigma (last 10 steps)",
               "zh": "保留 u、每步迭代 1 次：sigma 的相对误差（最后 10 步）"}, final_tracked, "<", 1e-3),
        Check({"en": "fresh random u, 1 iteration: relative error > 20 x the kept u's",
               "zh": "每次重新随机 u、迭代 1 次：相对误差 > 20 × 保留 u 时"}, final_fresh, ">", final_tracked, factor=20),
    ]
    cold_text = f"{cold[0]:.1e} / {cold[9]:.1e} / {cold[-1]:.1e}"
    rows = [
        [{"en": "sigma_1 (SVD) at the start", "zh": "开始时的 sigma_1（SVD）"}, round(sigma, 5)],
        [{"en": "sigma_2 / sigma_1 (sets the convergence rate)", "zh": "sigma_2 / sigma_1（决定收敛速度）"}, round(gap, 4)],
        [{"en": "cold start: error after 1 / 10 / 60 iterations", "zh": "冷启动：迭代 1 / 10 / 60 次后的误差"},
         {"en": cold_text, "zh": cold_text}],
        [{"en": "1 iteration per step, u kept: error", "zh": "每步迭代 1 次，保留 u：误差"}, f"{final_tracked:.1e}"],
        [{"en": "1 iteration per step, fresh u: error", "zh": "每步迭代 1 次，重新随机 u：误差"}, f"{final_fresh:.1e}"],
        [{"en": "multiply-adds: one power iteration", "zh": "乘加次数：一次幂迭代"}, power_madds],
        [{"en": "multiply-adds: one SVD (leading term, cost model)", "zh": "乘加次数：一次 SVD（主项，代价模型）"}, svd_madds],
    ]
    curves = [
        Curve({"en": "cold start: relative error of sigma", "zh": "冷启动：sigma 的相对误差"},
              {"en": "iterations", "zh": "迭代次数"}, {"en": "relative error", "zh": "相对误差"},
              [float(i + 1) for i in range(COLD_ITERS)], {"power iteration": cold}, log_y=True),
        Curve({"en": "during training: 1 iteration per step", "zh": "训练中：每步迭代 1 次"}, {"en": "step", "zh": "步数"},
              {"en": "relative error", "zh": "相对误差"},
              [float(i) for i in range(STEPS)], {"u kept": tracked, "fresh u": fresh}, log_y=True),
    ]
    finding = {
        "en": (f"From a cold start power iteration needs many iterations here (sigma_2/sigma_1 = {gap:.3f}; error "
               f"{cold[9]:.1e} after 10). Keeping u across steps, one iteration per step tracks sigma_1 to "
               f"{final_tracked:.1e}, while a fresh u each step is off by {final_fresh:.1e}. Each iteration costs "
               f"{power_madds} multiply-adds against about {svd_madds} for an SVD."),
        "zh": (f"冷启动时幂迭代收敛较慢（sigma_2/sigma_1 = {gap:.3f}；10 次后误差 {cold[9]:.1e}）。在训练步之间保留 u，"
               f"每步一次迭代即可把 sigma_1 的误差保持在 {final_tracked:.1e}；每步重新随机 u 则误差为 {final_fresh:.1e}。"
               f"每次迭代约 {power_madds} 次乘加，SVD 约 {svd_madds} 次。"),
    }
    return DemoResult(
        settings={"seed": ctx.seed, "treatment": ctx.treatment, "shape": [M, N], "cold_iters": COLD_ITERS,
                  "steps": STEPS, "drift": DRIFT},
        table=Table([{"en": "quantity", "zh": "量"}, {"en": "value", "zh": "数值"}], rows),
        checks=checks, finding=finding, curves=curves,
        labels={"shape": {"en": "shape", "zh": "形状"}, "cold_iters": {"en": "cold_iters", "zh": "冷启动迭代次数"},
                "drift": {"en": "drift", "zh": "权重漂移幅度"},
                "power iteration": {"en": "power iteration", "zh": "幂迭代"}, "u kept": {"en": "u kept", "zh": "保留 u"},
                "fresh u": {"en": "fresh u", "zh": "重新随机 u"}},
    )
