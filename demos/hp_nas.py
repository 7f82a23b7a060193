"""Interview question: neural architecture search, and how to search hyperparameters.

NAS itself (a controller or a supernet searching over cells) cannot be run
honestly on a CPU in a second. What can be shown is why random search is
the baseline every search method must beat (Bergstra & Bengio 2012; Li &
Talwalkar 2019 found it competitive with early NAS methods): when only some
of the searched settings matter, a grid wastes its budget repeating the
same values of the ones that do.

A real training run is the objective: a linear model fitted by gradient
descent for 20 steps, scored by its validation loss. Three settings are
searched: the learning rate (which matters a lot), and the momentum and the
weight decay (which, in the ranges searched, matter little). Same budget of
27 trials: a 3x3x3 grid (control) against 27 random draws (treatment). The
optimum's position is unknown to a practitioner, so the grid is placed at a
random offset each time; both searches are repeated 100 times with fresh
draws. With the treatment off the random searches use the grids' points.

A search is scored by its regret: how far its best validation loss stays
above the best loss any trial of the run reached. The raw loss also holds
the noise and the error no setting removes (0.25-0.43 over seeds 0-59), the
same for both searches; compared raw, random search's gain shrank to 4% of
the grid's loss on seed 41 (its grid happened to sit near the optimum),
while its regret there was 0.07 x the grid's.
"""

from __future__ import annotations

import math

import torch

from quizcli.demo import kit
from quizcli.demo.api import Check, Curve, DemoContext, DemoResult, Table

META = {
    "id": "hp_nas",
    "title": {"en": "Searching hyperparameters: grid vs random search (the baseline NAS must beat)",
              "zh": "超参数搜索：网格搜索与随机搜索（NAS 必须超越的基线）"},
    "claim": {"en": "Hyperparameters one can tune when training deep networks include NAS, neural architecture search.",
              "zh": "深度学习炼丹可以调节的一些超参数：NAS网络架构搜索。"},
    "claims": ["hp_nas"],
    "verdict": "nuanced",
    "treatment": {"en": "random search instead of a grid, same budget (off: the grid in both arms)",
                  "zh": "同样预算下用随机搜索代替网格搜索（关闭后两组都用网格）"},
    "long": False,
    "refs": [
        "Bergstra & Bengio 2012, Random search for hyper-parameter optimization",
        "Li & Talwalkar 2019, Random search and reproducibility for NAS",
        "Zoph & Le 2017, Neural architecture search with reinforcement learning",
    ],
}

N_TRAIN, N_VAL, DIM = 100, 500, 20
SCALE_RANGE = 0.75         # feature scales 1 .. 10**-0.75: condition number about 30
NOISE = 0.5
STEPS = 20                 # gradient-descent steps per trial
# Search ranges: (low, high); the learning rate is searched on a log scale.
LOG_LR = (-2.0, math.log10(3.0))   # lr x L
MOMENTUM = (0.0, 0.1)
WEIGHT_DECAY = (0.0, 1e-3)         # x L
BUDGET = 27                # trials per search: a 3x3x3 grid or 27 random draws
REPEATS = 100              # independent searches of each kind
FAILED = 1e6               # validation loss recorded for a diverged trial
RANGES = (LOG_LR, MOMENTUM, WEIGHT_DECAY)


def _trials(x, y, xv, yv, lip: float, hp: torch.Tensor) -> torch.Tensor:
    """Train one linear model per row of hp = (log10 lr x L, momentum, weight decay x L), all at once."""
    lr = (10 ** hp[:, 0] / lip)[:, None]
    beta = hp[:, 1:2]
    wd = hp[:, 2:3] * lip
    w = torch.zeros(len(hp), x.shape[1], dtype=x.dtype)
    m = torch.zeros_like(w)
    for _ in range(STEPS):
        grad = (w @ x.T - y) @ x / len(y) + wd * w
        m = beta * m + grad
        w = w - lr * m
    val = ((w @ xv.T - yv) ** 2).mean(1)
    return torch.nan_to_num(val, nan=FAILED, posinf=FAILED).clamp(max=FAILED)


def _scale(u: torch.Tensor) -> torch.Tensor:
    """Map points of the unit cube to the search ranges."""
    lo = torch.tensor([r[0] for r in RANGES], dtype=u.dtype)
    hi = torch.tensor([r[1] for r in RANGES], dtype=u.dtype)
    return lo + u * (hi - lo)


def run(ctx: DemoContext) -> DemoResult:
    kit.setup(ctx)
    g = kit.generator(ctx)
    d64 = torch.float64
    scales = torch.logspace(0, -SCALE_RANGE, DIM, dtype=d64)
    w_true = torch.randn(DIM, generator=g, dtype=d64)

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(n, DIM, generator=g, dtype=d64) * scales
        return x, x @ w_true + NOISE * torch.randn(n, generator=g, dtype=d64)

    (x, y), (xv, yv) = sample(N_TRAIN), sample(N_VAL)
    lip = torch.linalg.eigvalsh(x.T @ x / N_TRAIN)[-1].item()

    # Grids: 3 values per axis, spaced one cell apart, the whole grid shifted
    # by a random offset within a cell (where the optimum lies is unknown).
    side = round(BUDGET ** (1 / 3))
    idx = torch.cartesian_prod(*[torch.arange(side, dtype=d64)] * 3)           # (27, 3)
    offsets = torch.rand(REPEATS, 1, 3, generator=g, dtype=d64)
    grids = _scale((idx[None] + offsets) / side).reshape(-1, 3)
    if ctx.treatment:
        randoms = _scale(torch.rand(REPEATS * BUDGET, 3, generator=g, dtype=d64))
    else:
        randoms = grids.clone()
    ctx.progress(0.1, f"{2 * REPEATS * BUDGET} training runs")
    val = _trials(x, y, xv, yv, lip, torch.cat([grids, randoms]))
    # A dense sweep over lr alone (momentum and weight decay at 0) shows the response being searched.
    sweep_lr = torch.linspace(LOG_LR[0], LOG_LR[1], 40, dtype=d64)
    sweep_hp = torch.stack([sweep_lr, torch.zeros_like(sweep_lr), torch.zeros_like(sweep_lr)], 1)
    sweep = _trials(x, y, xv, yv, lip, sweep_hp)
    ctx.progress(1.0, "done")

    grid_best = val[:REPEATS * BUDGET].view(REPEATS, BUDGET).min(1).values
    rand_best = val[REPEATS * BUDGET:].view(REPEATS, BUDGET).min(1).values
    wins = (rand_best < grid_best).float().mean().item()
    g_mean, r_mean = grid_best.mean().item(), rand_best.mean().item()
    best_seen = min(val.min().item(), sweep.min().item())     # the best loss any trial of this run reached
    g_regret, r_regret = g_mean - best_seen, r_mean - best_seen
    noise_floor = NOISE ** 2
    checks = [
        # Regret ratio random / grid over seeds 0-59: 0.02-0.23.
        Check({"en": "mean regret (best validation loss - best any trial reached): random search < 0.5 x grid",
               "zh": "平均遗憾值（最佳验证损失 − 所有试验达到的最佳值）：随机搜索 < 0.5 × 网格搜索"},
              r_regret, "<", g_regret, factor=0.5),
        Check({"en": "share of repeats in which random search beats the grid > 0.65", "zh": "随机搜索胜过网格搜索的重复比例 > 0.65"},
              wins, ">", 0.65),
    ]
    rows = [[{"en": f"grid {side}x{side}x{side} (random offset)", "zh": f"网格 {side}x{side}x{side}（随机偏移）"}, side, f"{g_mean:.4f}",
             f"{g_regret:.4f}", f"{grid_best.max().item():.4f}", ""],
            [{"en": f"random, {BUDGET} draws", "zh": f"随机，{BUDGET} 次抽样"}, BUDGET if ctx.treatment else side, f"{r_mean:.4f}",
             f"{r_regret:.4f}", f"{rand_best.max().item():.4f}", f"{wins:.0%}"],
            [{"en": "best any trial reached", "zh": "所有试验达到的最佳值"}, "", f"{best_seen:.4f}", "", "", ""],
            [{"en": "noise floor (sigma^2)", "zh": "噪声下限（sigma^2）"}, "", f"{noise_floor:.4f}", "", "", ""]]
    finding = {
        "en": (f"With {BUDGET} trials each, a grid tries only {side} learning rates and its best validation loss "
               f"averages {g_mean:.3f} over {REPEATS} placements; random search tries {BUDGET} and averages "
               f"{r_mean:.3f}, beating the grid in {wins:.0%} of the repeats. Above the best loss any trial reached "
               f"({best_seen:.3f}; noise floor {noise_floor:.2f}) the grid stays {g_regret:.4f} on average, random "
               f"search {r_regret:.4f}. Only "
               "the learning rate mattered, and a grid spends its budget repeating it. NAS is not itself a "
               "hyperparameter but a search over architectures, and random search is the baseline it has to beat "
               "(Li & Talwalkar 2019); the NAS methods themselves are beyond a CPU demo."),
        "zh": (f"每种方法各 {BUDGET} 次试验：网格只试了 {side} 个学习率，{REPEATS} 种放置下最佳验证损失平均为 {g_mean:.3f}；"
               f"随机搜索试了 {BUDGET} 个，平均为 {r_mean:.3f}，在 {wins:.0%} 的重复中胜过网格。与所有试验达到的最佳值"
               f"（{best_seen:.3f}；噪声下限 {noise_floor:.2f}）相比，网格平均高出 {g_regret:.4f}，随机搜索高出 {r_regret:.4f}。"
               "这里只有学习率重要，网格却把预算花在重复它上面。NAS 本身不是超参数，而是对网络结构的搜索，随机搜索是它"
               "必须超越的基线（Li & Talwalkar 2019）；NAS 方法本身超出了 CPU 演示的范围。"),
    }
    return DemoResult(
        settings={"n_train": N_TRAIN, "dim": DIM, "steps": STEPS, "budget": BUDGET, "repeats": REPEATS,
                  "lr_range": {"en": "10^-2 .. 3 (x 1/L)", "zh": "10^-2 .. 3（× 1/L）"}, "momentum_range": list(MOMENTUM),
                  "weight_decay_range": {"en": "0 .. 1e-3 (x L)", "zh": "0 .. 1e-3（× L）"}, "treatment": ctx.treatment},
        table=Table([{"en": "search", "zh": "搜索方式"}, {"en": "distinct learning rates", "zh": "不同学习率的个数"},
                     {"en": "mean best validation loss", "zh": "平均最佳验证损失"},
                     {"en": "mean regret", "zh": "平均遗憾值"}, {"en": "worst best", "zh": "最差的最佳值"},
                     {"en": "beats grid", "zh": "胜过网格的比例"}], rows),
        labels={"budget": {"en": "budget", "zh": "试验预算"}, "repeats": {"en": "repeats", "zh": "重复次数"},
                "lr_range": {"en": "lr_range", "zh": "学习率范围"}, "momentum_range": {"en": "momentum_range", "zh": "动量范围"},
                "weight_decay_range": {"en": "weight_decay_range", "zh": "权重衰减范围"},
                "validation loss": {"en": "validation loss", "zh": "验证损失"}},
        checks=checks,
        finding=finding,
        curves=[Curve({"en": "Validation loss vs learning rate (no momentum, no weight decay)",
                       "zh": "验证损失与学习率（无动量、无权重衰减）"}, {"en": "log10 (lr x L)", "zh": "log10（学习率 × L）"},
                      {"en": "validation MSE", "zh": "验证 MSE"}, sweep_lr.tolist(), {"validation loss": sweep.tolist()}, log_y=True)],
    )
