"""Shared helpers for the normalization demos (bn_*, in_*, sn_*): toy data,
small MLPs and a plain training loop.

Not a demo (the name starts with `_`). Demo files are loaded by path, so they
load this module by path too, through `load()` below (copied into each demo
as a five-line function), never with a package import.
"""

from __future__ import annotations

import torch
from torch import nn


def teacher_task(gen: torch.Generator, n_train: int, n_test: int, dim: int = 16,
                 classes: int = 4, hidden: int = 32) -> tuple[torch.Tensor, ...]:
    """A nonlinear classification task: labels from a random two-layer teacher.

    Inputs are standard normal; the teacher is a fixed random tanh network,
    so the task is learnable but not linearly separable.
    """
    w1 = torch.randn(dim, hidden, generator=gen) / dim ** 0.5
    w2 = torch.randn(hidden, classes, generator=gen) / hidden ** 0.5
    x = torch.randn(n_train + n_test, dim, generator=gen)
    y = (torch.tanh(x @ w1 * 2.0) @ w2).argmax(dim=1)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def mlp(dim: int, width: int, depth: int, out: int, norm: str | None = None,
        act: type[nn.Module] = nn.ReLU, order: str = "before") -> nn.Sequential:
    """`depth` hidden layers of Linear [-> norm] -> act (order "before") or
    Linear -> act -> norm (order "after"); norm is None, "bn" or "ln"."""
    layers: list[nn.Module] = []
    d = dim
    for _ in range(depth):
        layers.append(nn.Linear(d, width))
        block: list[nn.Module] = [act()]
        if norm is not None:
            n = nn.BatchNorm1d(width) if norm == "bn" else nn.LayerNorm(width)
            block = [n, act()] if order == "before" else [act(), n]
        layers.extend(block)
        d = width
    layers.append(nn.Linear(d, out))
    return nn.Sequential(*layers)


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float,
          batch: int, gen: torch.Generator, weight_decay: float = 0.0,
          loss_fn=nn.functional.cross_entropy, on_step=None) -> list[float]:
    """Plain SGD on random minibatches (drawn with `gen`); returns the loss per step.

    The update is written out instead of using torch.optim: creating an
    optimizer imports torch._dynamo, a second of start-up per demo.
    A non-finite loss ends training early and the rest of the curve is NaN,
    so a diverged run is visible as such instead of raising.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()
    losses: list[float] = []
    for step in range(steps):
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        loss = loss_fn(model(x[idx]), y[idx])
        if not torch.isfinite(loss):
            losses.extend([float("nan")] * (steps - step))
            break
        for q in params:
            q.grad = None
        loss.backward()
        sgd_step(params, lr, weight_decay)
        losses.append(loss.item())
        if on_step is not None:
            on_step(step)
    return losses


@torch.no_grad()
def sgd_step(params: list[torch.Tensor], lr: float, weight_decay: float = 0.0) -> None:
    """p <- p - lr * (grad + weight_decay * p), as torch.optim.SGD does without momentum."""
    for q in params:
        if q.grad is not None:
            q -= lr * (q.grad + weight_decay * q) if weight_decay else lr * q.grad


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    acc = (model(x).argmax(dim=1) == y).float().mean().item()
    model.train()
    return acc


def tail_mean(values: list[float], n: int = 20) -> float:
    """Mean of the last n values: a less noisy 'final loss' than the last step."""
    tail = values[-n:]
    return sum(tail) / len(tail)


def mean(values) -> float:
    """The mean; NaN for no values (every run of an arm diverged)."""
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def pooled(runs: list[dict], chance: float) -> dict:
    """Several runs of one net as one result. Each run is {"diverged", "losses"}
    and, unless it diverged, "final" and "acc". A diverged run learned nothing
    usable: its final loss counts as `chance` (a uniform guess), so that the
    mean stays defined and the net is not flattered; accuracy and the loss
    curve are means over the runs that did not diverge."""
    ok = [r for r in runs if not r["diverged"]]
    return {"loss": mean(chance if r["diverged"] else r["final"] for r in runs),
            "acc": mean(r["acc"] for r in ok), "diverged": len(runs) - len(ok),
            "curve": [mean(v) for v in zip(*(r["losses"] for r in ok))] if ok else runs[0]["losses"]}


def he_init(model: nn.Module) -> nn.Module:
    """He (Kaiming) normal init for every Linear, zero biases: the fair
    baseline for a deep ReLU net without normalization (PyTorch's default
    init shrinks the signal layer by layer and would handicap it)."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return model


def smooth(values: list[float], n: int = 10) -> list[float]:
    """Trailing mean over n steps: minibatch losses are too noisy to read as a curve."""
    out: list[float] = []
    total = 0.0
    for i, v in enumerate(values):
        total += v
        if i >= n:
            total -= values[i - n]
        out.append(total / min(i + 1, n))
    return out
