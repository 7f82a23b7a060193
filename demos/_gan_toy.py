"""A one-dimensional GAN small enough to train in a fraction of a second,
shared by the GAN demos about losses, labels and training signals.

Real data: N(REAL_MEAN, REAL_STD). The generator is affine, G(z) = b + s * z
with z ~ N(0, 1), so it can match the data exactly (b = mean, |s| = std) and
its distance to the data is easy to read. The discriminator is a small MLP
with LeakyReLU. Every knob the demos turn (the G loss, D's labels, label
flips, D steps, optimizers, a frozen D) is a field of `ToyConfig`.

A helper module, not a demo (its name starts with `_`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

REAL_MEAN, REAL_STD = 2.0, 0.5


@dataclass
class ToyConfig:
    steps: int = 300
    batch: int = 128
    g_mean0: float = -2.0          # G's starting mean (b)
    g_std0: float = 0.5            # G's starting spread (s)
    g_loss: str = "ns"             # "minimax": log(1 - D(G(z))), "ns": -log D(G(z)),
                                   # "flip": BCE(D(G(z)), label 1) (fakes labelled real)
    g_target: float = 1.0          # the label G's BCE aims at ("flip" loss only)
    real_label: tuple[float, float] = (1.0, 1.0)   # D's target for real: uniform in [lo, hi]
    fake_label: tuple[float, float] = (0.0, 0.0)   # D's target for fake: uniform in [lo, hi]
    flip_prob: float = 0.0         # chance that a D label is swapped (real <-> fake)
    n_d: int = 1                   # D steps per G step
    lr_g: float = 0.02
    lr_d: float = 0.02
    opt_g: str = "adam"            # "adam" (betas 0.5, 0.999, as DCGAN) or "sgd"
    opt_d: str = "adam"
    d_pretrain: int = 0            # D steps before G starts (a D that is already confident)
    freeze_d: bool = False         # D never updates after pretraining (a D that does not work)
    hidden: int = 32


def discriminator(hidden: int) -> nn.Module:
    return nn.Sequential(nn.Linear(1, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                         nn.LeakyReLU(0.2), nn.Linear(hidden, 1))


class AffineG(nn.Module):
    def __init__(self, mean: float, std: float) -> None:
        super().__init__()
        self.b = nn.Parameter(torch.tensor([mean]))
        self.s = nn.Parameter(torch.tensor([std]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.b + self.s * z


class Optimizer:
    """Plain SGD, or Adam with DCGAN's betas (0.5, 0.999), written out.

    The same update rules as torch.optim.SGD / torch.optim.Adam; written here
    because constructing a torch.optim optimizer imports torch._dynamo, which
    costs a second or more of start-up, longer than these demos' training.
    """

    def __init__(self, kind: str, params, lr: float, betas: tuple[float, float] = (0.5, 0.999),
                 eps: float = 1e-8) -> None:
        self.kind, self.lr, self.betas, self.eps = kind, lr, betas, eps
        self.params = list(params)
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            g = p.grad
            if self.kind == "sgd":
                p.sub_(self.lr * g)
                continue
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            m_hat = m / (1 - b1 ** self.t)
            v_hat = v / (1 - b2 ** self.t)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


def optimizer(kind: str, params, lr: float) -> Optimizer:
    return Optimizer(kind, params, lr)


def w1_to_data(b: float, s: float) -> float:
    """The exact 1-Wasserstein distance between G's N(b, s^2) and the data N(REAL_MEAN, REAL_STD^2).

    In 1-D, W1 = integral over u of |F1^-1(u) - F2^-1(u)| = E|dm + ds * Z| with Z ~ N(0, 1),
    the mean of a folded normal; 0 exactly when G matches the data."""
    dm, ds = b - REAL_MEAN, abs(s) - REAL_STD
    if ds == 0:
        return abs(dm)
    sigma = abs(ds)
    return sigma * math.sqrt(2 / math.pi) * math.exp(-dm * dm / (2 * sigma * sigma)) + \
        dm * math.erf(dm / (sigma * math.sqrt(2)))


def g_loss_fn(kind: str, logits: torch.Tensor, target: float = 1.0) -> torch.Tensor:
    if kind == "minimax":
        # G minimizes log(1 - D(G(z))) = -softplus(logit): the original minimax loss.
        return -F.softplus(logits).mean()
    if kind == "flip":
        return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))
    return F.softplus(-logits).mean()          # "ns": -log D(G(z))


def labels(n: int, lo_hi: tuple[float, float], gen: torch.Generator) -> torch.Tensor:
    lo, hi = lo_hi
    return lo + (hi - lo) * torch.rand(n, 1, generator=gen)


def d_step(d: nn.Module, opt: Optimizer, g: nn.Module, cfg: ToyConfig,
           gen: torch.Generator) -> float:
    real = REAL_MEAN + REAL_STD * torch.randn(cfg.batch, 1, generator=gen)
    with torch.no_grad():
        fake = g(torch.randn(cfg.batch, 1, generator=gen))
    y_real, y_fake = labels(cfg.batch, cfg.real_label, gen), labels(cfg.batch, cfg.fake_label, gen)
    if cfg.flip_prob > 0:
        swap_r = torch.rand(cfg.batch, 1, generator=gen) < cfg.flip_prob
        swap_f = torch.rand(cfg.batch, 1, generator=gen) < cfg.flip_prob
        y_real, y_fake = torch.where(swap_r, 1 - y_real, y_real), torch.where(swap_f, 1 - y_fake, y_fake)
    # BCE written out, so targets outside [0, 1] are allowed (torch's BCE would accept them too,
    # but writing it out makes the unbounded term visible): y*softplus(-l) + (1-y)*softplus(l).
    lr_, lf = d(real), d(fake)
    loss = (y_real * F.softplus(-lr_) + (1 - y_real) * F.softplus(lr_)).mean() + \
        (y_fake * F.softplus(-lf) + (1 - y_fake) * F.softplus(lf)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def train(cfg: ToyConfig, gen: torch.Generator, d: nn.Module | None = None) -> dict[str, list[float]]:
    """Train G and D; per G step record D's loss, G's loss, G's gradient norm, b, s and W1."""
    d = d or discriminator(cfg.hidden)
    g = AffineG(cfg.g_mean0, cfg.g_std0)
    opt_d = optimizer(cfg.opt_d, d.parameters(), cfg.lr_d)
    opt_g = optimizer(cfg.opt_g, g.parameters(), cfg.lr_g)
    hist: dict[str, list[float]] = {k: [] for k in ("d_loss", "g_loss", "g_grad", "b", "s", "w1", "d_real", "d_fake")}
    for _ in range(cfg.d_pretrain):
        d_step(d, opt_d, g, cfg, gen)
    for _ in range(cfg.steps):
        d_loss = float("nan")
        for _ in range(0 if cfg.freeze_d else cfg.n_d):
            d_loss = d_step(d, opt_d, g, cfg, gen)
        z = torch.randn(cfg.batch, 1, generator=gen)
        logits = d(g(z))
        loss = g_loss_fn(cfg.g_loss, logits, cfg.g_target)
        opt_g.zero_grad()
        loss.backward()
        grad = math.sqrt(g.b.grad.item() ** 2 + g.s.grad.item() ** 2)
        with torch.no_grad():
            real = REAL_MEAN + REAL_STD * torch.randn(cfg.batch, 1, generator=gen)
            hist["d_real"].append(torch.sigmoid(d(real)).mean().item())
            hist["d_fake"].append(torch.sigmoid(logits).mean().item())
            if cfg.freeze_d:   # D's loss still measured, on the current samples
                d_loss = (F.softplus(-d(real)).mean() + F.softplus(logits).mean()).item()
        hist["d_loss"].append(d_loss)
        hist["g_loss"].append(loss.item())
        hist["g_grad"].append(grad)
        hist["b"].append(g.b.item())
        hist["s"].append(g.s.item())
        hist["w1"].append(w1_to_data(g.b.item(), g.s.item()))
        opt_g.step()
    hist["d"] = d  # type: ignore[assignment]   # the trained D, for demos that probe it
    return hist


def tail_mean(values: list[float], frac: float = 0.1) -> float:
    n = max(1, int(len(values) * frac))
    return sum(values[-n:]) / n


def x_axis(steps: int, points: int = 100) -> list[float]:
    return [float(i) for i in range(0, steps, max(1, steps // points))]


def thin(values: list[float], steps: int, points: int = 100) -> list[float]:
    return [values[min(int(i), len(values) - 1)] for i in x_axis(steps, points)]
