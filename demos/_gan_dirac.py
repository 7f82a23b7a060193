"""The Dirac-GAN of Mescheder, Geiger & Nowozin 2018 ("Which training methods
for GANs do actually converge?", section 2.2), shared by several GAN demos.

The smallest GAN there is: the real data is a point mass at x = 0, the
generator is a point mass at x = theta (one parameter), and the discriminator
is linear, D(x) = psi * x (one parameter, a logit). The only equilibrium is
theta = psi = 0. Near it the unregularized game is a pure rotation, so plain
gradient descent circles or spirals outwards; the question each demo asks is
which trick turns the rotation into a spiral that goes in.

The gradients are written out by hand (two scalars), with the BCE losses
of real GAN training, so the same code runs every variant. A helper module, not a demo (its name
starts with `_`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass
class DiracConfig:
    steps: int = 600
    lr_g: float = 0.1
    lr_d: float = 0.1
    loss: str = "bce"             # "bce" (standard GAN) or "wgan" (critic, clipped)
    g_loss: str = "minimax"       # "minimax" (zero-sum, as in the paper) or "ns" (non-saturating)
    r1: float = 0.0               # gamma of the R1 penalty, gamma/2 * |grad_x D(real)|^2
    noise_std: float = 0.0        # instance noise added to D's inputs (real and fake)
    noise_batch: int = 256        # noise samples per step when noise_std > 0
    n_d: int = 1                  # D steps per G step
    alternating: bool = False     # False: simultaneous updates (both grads at the same point)
    clip: float = 1.0             # WGAN weight clipping of psi
    theta0: float = 1.0
    psi0: float = 0.0


def _noise(cfg: DiracConfig, gen: torch.Generator) -> torch.Tensor:
    if cfg.noise_std > 0:
        return torch.randn(cfg.noise_batch, generator=gen, dtype=torch.float64) * cfg.noise_std
    return torch.zeros(1, dtype=torch.float64)


def d_grad(theta: float, psi: float, cfg: DiracConfig, gen: torch.Generator) -> float:
    """d(D loss)/d psi, written out: the game is small enough to differentiate by hand.

    D loss (BCE, label 1 real, 0 fake) = mean softplus(-psi x_real) + mean softplus(psi x_fake),
    plus R1 = gamma/2 |d D(x)/dx at real|^2 = gamma/2 psi^2. WGAN critic loss = mean D(fake) - mean D(real).
    """
    real = _noise(cfg, gen)               # the real data: 0 (+ instance noise)
    fake = theta + _noise(cfg, gen)
    if cfg.loss == "wgan":
        grad = (fake.mean() - real.mean()).item()
    else:
        grad = (-torch.sigmoid(-psi * real) * real).mean().item() + \
            (torch.sigmoid(psi * fake) * fake).mean().item()
    return grad + cfg.r1 * psi


def g_grad(theta: float, psi: float, cfg: DiracConfig, gen: torch.Generator) -> float:
    """d(G loss)/d theta. G loss: "minimax" = -D loss (the zero-sum game of the paper),
    "ns" = mean softplus(-psi x_fake) = -log D(G(z)), "wgan" = -mean D(fake)."""
    fake = theta + _noise(cfg, gen)
    if cfg.loss == "wgan":
        return -psi
    if cfg.g_loss == "ns":
        return (-torch.sigmoid(-psi * fake) * psi).mean().item()
    return (-torch.sigmoid(psi * fake) * psi).mean().item()


def simulate(cfg: DiracConfig, gen: torch.Generator) -> dict[str, list[float]]:
    """Train the Dirac-GAN; return theta, psi and the distance to (0, 0) per G step."""
    theta, psi = cfg.theta0, cfg.psi0
    out: dict[str, list[float]] = {"theta": [], "psi": [], "dist": []}
    for _ in range(cfg.steps):
        out["theta"].append(theta)
        out["psi"].append(psi)
        out["dist"].append(math.hypot(theta, psi))
        if cfg.alternating or cfg.n_d > 1:
            # D first (n_d times), then G against the updated D.
            for _ in range(cfg.n_d):
                psi = _clip(psi - cfg.lr_d * d_grad(theta, psi, cfg, gen), cfg)
            theta = theta - cfg.lr_g * g_grad(theta, psi, cfg, gen)
        else:
            # Simultaneous: both gradients at the same point, then both steps.
            gd, gg = d_grad(theta, psi, cfg, gen), g_grad(theta, psi, cfg, gen)
            psi, theta = _clip(psi - cfg.lr_d * gd, cfg), theta - cfg.lr_g * gg
        if not (math.isfinite(theta) and math.isfinite(psi)) or abs(theta) + abs(psi) > 1e6:
            break
    return out


def _clip(psi: float, cfg: DiracConfig) -> float:
    if cfg.loss == "wgan":      # WGAN weight clipping keeps the critic 1-Lipschitz
        return max(-cfg.clip, min(cfg.clip, psi))
    return psi


def tail_mean(values: list[float], frac: float = 0.1) -> float:
    """The mean of the last `frac` of a series: a distance that does not hinge on one step."""
    n = max(1, int(len(values) * frac))
    return sum(values[-n:]) / n


def x_axis(steps: int, points: int = 120) -> list[float]:
    """The steps at which `thin` samples a series of `steps` values."""
    return [float(i) for i in range(0, steps, max(1, steps // points))]


def thin(values: list[float], steps: int, points: int = 120) -> list[float]:
    """`values` at the steps of `x_axis`, so a curve stays small in JSON; a run
    that stopped early (diverged) is held at its last value."""
    return [values[min(int(i), len(values) - 1)] for i in x_axis(steps, points)]


def start_point(seed_gen: torch.Generator) -> dict[str, float]:
    """A starting point on the unit circle around the equilibrium, set by the seed."""
    angle = float(torch.rand(1, generator=seed_gen, dtype=torch.float64)) * 2 * math.pi
    return {"theta0": math.cos(angle), "psi0": math.sin(angle)}


def run_arms(ctx, arms: dict[str, DiracConfig], noise_gen: torch.Generator) -> dict[str, dict]:
    """Simulate every arm (reporting progress); every arm draws its noise from the same seed."""
    runs = {}
    state = noise_gen.get_state()
    for i, (name, cfg) in enumerate(arms.items()):
        noise_gen.set_state(state)
        runs[name] = simulate(cfg, noise_gen)
        ctx.progress((i + 1) / len(arms), name)
    return runs


# Bilingual words the Dirac-GAN demos share (settings keys and values, see demos/README.md).
GAME = {"en": "Dirac-GAN (Mescheder et al. 2018), zero-sum BCE loss",
        "zh": "Dirac-GAN（Mescheder 等 2018），零和 BCE 损失"}
SIMULTANEOUS = {"en": "simultaneous GD", "zh": "同步梯度下降"}
ALTERNATING = {"en": "alternating updates (D first)", "zh": "交替更新（先更新判别器）"}
R1_PENALTY = {"en": "R1 penalty", "zh": "R1 惩罚"}

LABELS = {
    "game": {"en": "game", "zh": "博弈"},
    "start": {"en": "start", "zh": "起点"},
    "lr_g": {"en": "lr_g", "zh": "生成器学习率"},
    "lr_d": {"en": "lr_d", "zh": "判别器学习率"},
    "g_steps": {"en": "g_steps", "zh": "生成器步数"},
}


def game(*parts: dict[str, str]) -> dict[str, str]:
    """GAME followed by the bilingual `parts`: ", simultaneous GD" / "，同步梯度下降"."""
    return {"en": ", ".join([GAME["en"], *(p["en"] for p in parts)]),
            "zh": "，".join([GAME["zh"], *(p["zh"] for p in parts)])}


def start_label(start: dict[str, float]) -> dict[str, str]:
    """The "start" setting's value in both languages."""
    at = f"theta={start['theta0']:.3f}, psi={start['psi0']:.3f}"
    return {"en": f"{at} (distance 1)", "zh": f"{at}（距离 1）"}


def report(runs: dict[str, dict], steps: int, names: dict[str, dict[str, str]]):
    """The table rows, the distance curve and the trajectory scatter of a set of runs.

    `names` gives each arm's words in both languages ({"en": ..., "zh": ...});
    pass it to DemoResult(labels=...) too, for the legends.
    """
    from quizcli.demo.api import Curve, Scatter, Table

    table = Table(columns=[{"en": "arm", "zh": "组别"}, {"en": "start distance", "zh": "起始距离"},
                           {"en": "final distance (mean of last 10%)", "zh": "最终距离（最后 10% 的均值）"},
                           {"en": "max distance", "zh": "最大距离"}],
                  rows=[[names[name], round(r["dist"][0], 3), round(tail_mean(r["dist"]), 4), round(max(r["dist"]), 3)]
                        for name, r in runs.items()])
    curve = Curve(title={"en": "Distance to the equilibrium (0, 0)", "zh": "到均衡点 (0, 0) 的距离"},
                  x_label={"en": "G step", "zh": "生成器步数"}, y_label={"en": "|(theta, psi)|", "zh": "|(theta, psi)|"},
                  x=x_axis(steps), series={name: thin(r["dist"], steps) for name, r in runs.items()})
    scatter = Scatter(title={"en": "Trajectories in (theta, psi); the equilibrium is (0, 0)",
                             "zh": "(theta, psi) 平面上的轨迹；均衡点为 (0, 0)"},
                      series={name: list(zip(thin(r["theta"], steps, 300), thin(r["psi"], steps, 300)))
                              for name, r in runs.items()})
    return table, curve, scatter
