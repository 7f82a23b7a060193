"""A one-dimensional GAN small enough to train in a fraction of a second,
shared by the GAN demos about losses, labels and training signals.

Real data: N(REAL_MEAN, REAL_STD). The generator is affine, G(z) = b + s * z
with z ~ N(0, 1), so it can match the data exactly (b = mean, |s| = std) and
its distance to the data is easy to read. The discriminator is a small MLP
with LeakyReLU. Several independent GANs (replicas) can train side by side
as one batched computation, so a demo can report an average over runs at
almost the cost of one. Every knob the demos turn (the G loss, D's labels, label
flips, D steps, optimizers, a frozen D) is a field of `ToyConfig`.

A helper module, not a demo (its name starts with `_`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from quizcli.demo import kit

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
    hidden: int = 16
    d_slope: float = 0.2           # D's LeakyReLU slope (0: ReLU)
    replicas: int = 1              # independent GANs trained side by side (batched); results are means


class ReplicaMLP(nn.Module):
    """R independent MLP discriminators 1 -> H -> H -> 1 (LeakyReLU 0.2), run as one batch.

    Input [R, N, 1] -> logits [R, N, 1]; a plain [N, 1] input is shown to every replica.
    Each replica is initialized like nn.Linear (uniform in +-1/sqrt(fan_in)).
    """

    def __init__(self, replicas: int, hidden: int, slope: float = 0.2) -> None:
        super().__init__()
        self.slope = slope

        def init(fan_in: int, *shape: int) -> nn.Parameter:
            bound = 1 / math.sqrt(fan_in)
            return nn.Parameter(torch.empty(replicas, *shape).uniform_(-bound, bound))

        self.replicas = replicas
        self.w1, self.b1 = init(1, 1, hidden), init(1, 1, hidden)
        self.w2, self.b2 = init(hidden, hidden, hidden), init(hidden, 1, hidden)
        self.w3, self.b3 = init(hidden, hidden, 1), init(hidden, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 2:
            x = x.unsqueeze(0).expand(self.replicas, -1, -1)
        h = F.leaky_relu(torch.baddbmm(self.b1, x, self.w1), self.slope)
        h = F.leaky_relu(torch.baddbmm(self.b2, h, self.w2), self.slope)
        return torch.baddbmm(self.b3, h, self.w3)


class AffineG(nn.Module):
    """R independent affine generators b + s * z; z is [R, N, 1] (or [N, 1] for one replica)."""

    def __init__(self, mean: float, std: float, replicas: int = 1) -> None:
        super().__init__()
        self.b = nn.Parameter(torch.full((replicas, 1, 1), mean))
        self.s = nn.Parameter(torch.full((replicas, 1, 1), std))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() == 2:
            z = z.unsqueeze(0)
        return self.b + self.s * z


def optimizer(kind: str, params, lr: float) -> kit.SGD:
    """Plain SGD, or Adam with DCGAN's betas (0.5, 0.999)."""
    if kind == "sgd":
        return kit.SGD(params, lr)
    if kind == "adam":
        return kit.Adam(params, lr, betas=(0.5, 0.999))
    raise ValueError(f"optimizer must be adam or sgd, not {kind!r}")


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


def _per_replica(x: torch.Tensor) -> torch.Tensor:
    """Mean over each replica's samples: [R, N, 1] -> [R]."""
    return x.mean(dim=(1, 2))


def g_loss_fn(kind: str, logits: torch.Tensor, target: float = 1.0) -> torch.Tensor:
    """G's loss per replica, [R]."""
    if kind == "minimax":
        # G minimizes log(1 - D(G(z))) = -softplus(logit): the original minimax loss.
        return _per_replica(-F.softplus(logits))
    if kind == "flip":
        return _per_replica(F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target),
                                                               reduction="none"))
    return _per_replica(F.softplus(-logits))          # "ns": -log D(G(z))


def labels(shape, lo_hi: tuple[float, float], gen: torch.Generator) -> torch.Tensor:
    """Targets uniform in [lo, hi]; `shape` is a tuple, or n for (n, 1)."""
    lo, hi = lo_hi
    shape = (shape, 1) if isinstance(shape, int) else shape
    return lo + (hi - lo) * torch.rand(*shape, generator=gen)


def bce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """BCE with logits, written out so targets outside [0, 1] are allowed and the unbounded
    term is visible: y * softplus(-l) + (1 - y) * softplus(l)."""
    return y * F.softplus(-logits) + (1 - y) * F.softplus(logits)


def d_step(d: nn.Module, opt: kit.SGD, g: nn.Module, cfg: ToyConfig,
           gen: torch.Generator) -> torch.Tensor:
    """One D step for every replica; returns D's loss per replica, [R]."""
    shape = (cfg.replicas, cfg.batch, 1)
    real = REAL_MEAN + REAL_STD * torch.randn(*shape, generator=gen)
    with torch.no_grad():
        fake = g(torch.randn(*shape, generator=gen))
    y_real, y_fake = labels(shape, cfg.real_label, gen), labels(shape, cfg.fake_label, gen)
    if cfg.flip_prob > 0:
        swap_r = torch.rand(*shape, generator=gen) < cfg.flip_prob
        swap_f = torch.rand(*shape, generator=gen) < cfg.flip_prob
        y_real, y_fake = torch.where(swap_r, 1 - y_real, y_real), torch.where(swap_f, 1 - y_fake, y_fake)
    loss = _per_replica(bce(d(real), y_real)) + _per_replica(bce(d(fake), y_fake))
    opt.zero_grad()
    loss.sum().backward()          # replicas share no parameters: each gets its own gradient
    opt.step()
    return loss.detach()


def train(cfg: ToyConfig, gen: torch.Generator) -> dict:
    """Train cfg.replicas independent GANs side by side.

    Per G step it records, as the mean over replicas: D's loss, G's loss, the norm of G's
    gradient, b, s, W1 to the data, mean D(real) and D(fake); "w1_final" holds each
    replica's last W1, and "d" the trained discriminators.
    """
    R = cfg.replicas
    d = ReplicaMLP(R, cfg.hidden, cfg.d_slope)
    g = AffineG(cfg.g_mean0, cfg.g_std0, R)
    opt_d = optimizer(cfg.opt_d, d.parameters(), cfg.lr_d)
    opt_g = optimizer(cfg.opt_g, g.parameters(), cfg.lr_g)
    hist: dict = {k: [] for k in ("d_loss", "g_loss", "g_grad", "b", "s", "w1", "d_real", "d_fake")}
    for _ in range(cfg.d_pretrain):
        d_step(d, opt_d, g, cfg, gen)
    shape = (R, cfg.batch, 1)
    w1 = [0.0] * R
    for _ in range(cfg.steps):
        d_loss = None
        for _ in range(0 if cfg.freeze_d else cfg.n_d):
            d_loss = d_step(d, opt_d, g, cfg, gen)
        logits = d(g(torch.randn(*shape, generator=gen)))
        loss = g_loss_fn(cfg.g_loss, logits, cfg.g_target)
        opt_g.zero_grad()
        loss.sum().backward()
        grad = (g.b.grad.flatten() ** 2 + g.s.grad.flatten() ** 2).sqrt()
        with torch.no_grad():
            real = REAL_MEAN + REAL_STD * torch.randn(*shape, generator=gen)
            l_real = d(real)
            if d_loss is None:   # D frozen: its loss is still measured, on the current samples
                d_loss = _per_replica(F.softplus(-l_real)) + _per_replica(F.softplus(logits))
            hist["d_real"].append(torch.sigmoid(l_real).mean().item())
            hist["d_fake"].append(torch.sigmoid(logits).mean().item())
        b, sd = g.b.detach().flatten().tolist(), g.s.detach().flatten().tolist()
        w1 = [w1_to_data(bi, si) for bi, si in zip(b, sd)]
        hist["d_loss"].append(d_loss.mean().item())
        hist["g_loss"].append(loss.mean().item())
        hist["g_grad"].append(grad.mean().item())
        hist["b"].append(sum(b) / R)
        hist["s"].append(sum(sd) / R)
        hist["w1"].append(sum(w1) / R)
        opt_g.step()
    hist["w1_final"] = w1
    hist["d"] = d
    return hist


def tail_mean(values: list[float], frac: float = 0.1) -> float:
    n = max(1, int(len(values) * frac))
    return sum(values[-n:]) / n


def x_axis(steps: int, points: int = 100) -> list[float]:
    return [float(i) for i in range(0, steps, max(1, steps // points))]


def thin(values: list[float], steps: int, points: int = 100) -> list[float]:
    return [values[min(int(i), len(values) - 1)] for i in x_axis(steps, points)]


# Bilingual words the toy-GAN demos share (settings values, plot labels and
# settings keys; see demos/README.md, "Every text a reader sees ...").
DATA = {"en": "N(2, 0.5)", "zh": "N(2, 0.5)"}
G_AFFINE = {"en": "affine b + s*z, starts at N(-2, 0.5)", "zh": "仿射 b + s*z，初始为 N(-2, 0.5)"}
DISTANCE = {"en": "W1 between G's Gaussian and the data (exact)", "zh": "生成器的高斯分布与数据之间的 W1（精确值）"}
W1_TITLE = {"en": "W1 distance from G to the data", "zh": "生成器到数据的 W1 距离"}
GRAD_TITLE = {"en": "Norm of G's gradient", "zh": "生成器梯度的范数"}
G_STEP = {"en": "G step", "zh": "生成器步数"}
STEP = {"en": "step", "zh": "步数"}
W1 = {"en": "W1", "zh": "W1"}
W1_END = {"en": "W1 to data at the end", "zh": "训练结束时到数据的 W1"}

LABELS = {
    "distance": {"en": "distance", "zh": "距离"},
    "runs per arm": {"en": "runs per arm", "zh": "每组运行次数"},
    "G optimizer": {"en": "G optimizer", "zh": "生成器优化器"},
    "D optimizer": {"en": "D optimizer", "zh": "判别器优化器"},
    "D head start": {"en": "D head start", "zh": "判别器先行步数"},
    "optimizers": {"en": "optimizers", "zh": "优化器"},
}


def same(text: str) -> dict[str, str]:
    """A formula or a name that reads the same in both languages."""
    return {"en": text, "zh": text}


def mlp_d(hidden: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The discriminator setting: "MLP 1-H-H-1 LeakyReLU", then `extra` after a comma."""
    base = f"MLP 1-{hidden}-{hidden}-1 LeakyReLU"
    if extra is None:
        return same(base)
    return {"en": f"{base}, {extra['en']}", "zh": f"{base}，{extra['zh']}"}


def d_ahead(pretrain: int) -> dict[str, str]:
    """A discriminator trained `pretrain` steps before G starts."""
    return {"en": f"Adam lr 0.02, {pretrain} steps ahead of G", "zh": f"Adam 学习率 0.02，比生成器先训练 {pretrain} 步"}


def sgd(lr: float) -> dict[str, str]:
    return {"en": f"SGD lr {lr}", "zh": f"SGD 学习率 {lr}"}


def adam(lr: float, betas: bool = False) -> dict[str, str]:
    tail = ", betas (0.5, 0.999)" if betas else ""
    return {"en": f"Adam lr {lr}{tail}", "zh": f"Adam 学习率 {lr}{tail.replace(', ', '，')}"}


def runs_per_arm(n: int) -> dict[str, str]:
    return {"en": f"{n} independent GANs; W1 is their mean", "zh": f"{n} 个独立的 GAN；W1 取其均值"}
