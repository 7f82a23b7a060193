"""Helpers for demo code. Imports torch: only used inside a demo's process.

    kit.setup(ctx)                         seed everything, one thread; -> device
    kit.sibling(__file__, "_helper.py")    a helper module beside the demo
    kit.generator(ctx, offset)             a seeded generator for data, on the run's device
    with kit.fork_rng(ctx, offset): ...    the same initial weights in both arms
    for step in kit.steps(ctx, n, "msg", span=(0, .5)): ...   progress for free
    kit.mlp([2, 64, 1], norm="bn")         a small MLP
    kit.train(model, x, y, loss_fn, ...)   full-batch or minibatch training; -> losses
    kit.Adam(params, lr) / kit.SGD(params, lr)   optimizers without torch.optim's start-up
    kit.curve("loss", "step", "loss", {"BN": l1, "no BN": l2}, log_y=True)
    kit.floats(tensor)                     plain floats for tables and curves
    kit.blobs / kit.ring_of_gaussians / kit.spirals   toy data made in code
"""

from __future__ import annotations

import contextlib
import math
import random
from typing import Any, Callable, Iterable, Iterator, Sequence

import torch
from torch import nn

from quizcli.demo.api import Curve, DemoContext


def setup(ctx: DemoContext) -> torch.device:
    """Seed everything, pin threads, make CPU runs deterministic; return the device."""
    random.seed(ctx.seed)
    torch.manual_seed(ctx.seed)
    try:
        import numpy as np

        np.random.seed(ctx.seed)
    except ImportError:  # numpy is optional for a demo
        pass
    # One thread: the same numbers on every machine, and `verify --jobs N`
    # runs N demos side by side without oversubscribing the cores.
    torch.set_num_threads(1)
    # The private call does what torch.use_deterministic_algorithms does for
    # eager code; the public one also imports torch._inductor (and with it
    # torch._dynamo), 1-3 s of start-up that no demo needs.
    torch._C._set_deterministic_algorithms(True, warn_only=True)
    device = torch.device(ctx.device)
    if device.type != "cpu":
        # Demos create their tensors and modules without naming a device, so
        # making the accelerator the default device moves the whole run there.
        # CPU runs are untouched, and stay bit-for-bit reproducible.
        torch.set_default_device(device)
    return device


def sibling(demo_file: str, name: str) -> Any:
    """Load a helper module that sits beside a demo (`demos/_gan_toy.py`).

    Demo files are loaded by path, not as a package, so a shared helper is
    too: once per process, under a private module name.
    """
    import importlib.util
    import sys
    from pathlib import Path

    key = "_quizcli_demos_" + Path(name).stem.lstrip("_")
    if key not in sys.modules:
        from quizcli.demo.launch import spec_from_file   # source only, never a .pyc

        spec = spec_from_file(key, Path(demo_file).with_name(name))
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def generator(ctx: DemoContext, offset: int = 0) -> torch.Generator:
    """A seeded generator for data, independent of the model's initialisation.

    It lives on the run's device (random ops refuse a generator on another one).
    """
    g = torch.Generator(device=ctx.device)
    g.manual_seed(ctx.seed * 1000 + offset)
    return g


@contextlib.contextmanager
def fork_rng(ctx: DemoContext, offset: int = 0) -> Iterator[None]:
    """Run a block with the global RNG seeded from (seed, offset), then restore it.

    Build both arms' models inside `with kit.fork_rng(ctx, 1):` and they
    start from the same weights, so only the treatment differs.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(ctx.seed * 1000 + 500 + offset)
        yield


def steps(ctx: DemoContext, n: int, message: str = "", span: tuple[float, float] = (0.0, 1.0),
          reports: int = 20) -> Iterator[int]:
    """range(n) that reports progress within `span` of the whole run, about `reports` times."""
    lo, hi = span
    every = max(1, n // max(1, reports))
    for i in range(n):
        yield i
        if (i + 1) % every == 0 or i + 1 == n:
            ctx.progress(lo + (hi - lo) * (i + 1) / n, message)


def floats(values: Any) -> list[float]:
    """A tensor, an array or a sequence as a list of Python floats."""
    if isinstance(values, torch.Tensor):
        return [float(v) for v in values.detach().cpu().reshape(-1).tolist()]
    return [float(v) for v in values]


def downsample(n: int, max_points: int) -> list[int]:
    """Up to `max_points` indices spread evenly over range(n), first and last included."""
    if n <= max_points:
        return list(range(n))
    step = (n - 1) / (max_points - 1)
    return sorted({round(i * step) for i in range(max_points)})


def curve(title: str, x_label: str, y_label: str, series: dict[str, Any], x: Sequence[float] | None = None,
          log_y: bool = False, max_points: int = 200) -> Curve:
    """A Curve from tensors or lists; x defaults to 0..n-1; long series are thinned."""
    ys = {name: floats(v) for name, v in series.items()}
    n = len(next(iter(ys.values()))) if ys else 0
    xs = floats(x) if x is not None else [float(i) for i in range(n)]
    keep = downsample(len(xs), max_points)
    return Curve(title=title, x_label=x_label, y_label=y_label, x=[xs[i] for i in keep],
                 series={k: [v[i] for i in keep] for k, v in ys.items()}, log_y=log_y)


def mlp(sizes: Sequence[int], act: Callable[[], nn.Module] = nn.ReLU, norm: str | None = None,
        bias: bool = True) -> nn.Sequential:
    """Linear layers of the given sizes; `norm` ("bn", "ln" or None) goes before each hidden activation."""
    if norm not in ("bn", "ln", None):
        raise ValueError(f"norm must be 'bn', 'ln' or None, not {norm!r}")
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, bias=bias))
        if i < len(sizes) - 2:
            if norm == "bn":
                layers.append(nn.BatchNorm1d(b))
            elif norm == "ln":
                layers.append(nn.LayerNorm(b))
            layers.append(act())
    return nn.Sequential(*layers)


class SGD:
    """Plain SGD: p -= lr * grad.

    This and Adam are written out because the first use of a torch.optim
    optimizer imports torch._dynamo: one to three seconds of start-up, longer
    than most demos' training. `step(grads)` takes gradients from
    torch.autograd.grad; `step()` reads each parameter's .grad.
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float) -> None:
        self.params, self.lr = list(params), lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, grads: Sequence[torch.Tensor | None] | None = None) -> None:
        for p, g in zip(self.params, grads if grads is not None else [p.grad for p in self.params]):
            if g is not None:
                p.sub_(self.lr * g)


class Adam(SGD):
    """Adam (Kingma & Ba 2015) with bias correction: the update of torch.optim.Adam.

    GANs take DCGAN's betas=(0.5, 0.999).
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        super().__init__(params, lr)
        self.betas, self.eps, self.t = betas, eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self, grads: Sequence[torch.Tensor | None] | None = None) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for p, g, m, v in zip(self.params, grads if grads is not None else [p.grad for p in self.params],
                              self.m, self.v):
            if g is None:
                continue
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            p.sub_(self.lr * (m / c1) / ((v / c2).sqrt() + self.eps))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: Callable[..., torch.Tensor], *,
          n_steps: int = 200, lr: float = 0.1, optimizer: str = "sgd", batch_size: int | None = None,
          weight_decay: float = 0.0, ctx: DemoContext | None = None, message: str = "",
          span: tuple[float, float] = (0.0, 1.0), g: torch.Generator | None = None) -> list[float]:
    """Train in place; returns the training loss of every step (NaN once it diverges).

    Full batch unless `batch_size` is given (then batches are drawn with `g`).
    `optimizer` is "sgd", "momentum" (0.9) or "adam".
    """
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    elif optimizer == "momentum":
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    elif optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"optimizer must be sgd, momentum or adam, not {optimizer!r}")
    model.train()
    losses: list[float] = []
    it = steps(ctx, n_steps, message, span) if ctx is not None else range(n_steps)
    for _ in it:
        if batch_size is not None and batch_size < len(x):
            idx = torch.randperm(len(x), generator=g)[:batch_size]
            xb, yb = x[idx], y[idx]
        else:
            xb, yb = x, y
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        value = loss.item()
        losses.append(value)
        if not math.isfinite(value):
            # Diverged: keep the curve's length, and stop wasting time.
            losses += [math.nan] * (n_steps - len(losses))
            break
        loss.backward()
        opt.step()
    return losses


@torch.no_grad()
def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Share of correct predictions: argmax for (n, k) logits, sign for (n,) or (n, 1)."""
    if logits.dim() == 1 or logits.shape[-1] == 1:
        pred = (logits.reshape(-1) > 0).long()
    else:
        pred = logits.argmax(dim=-1)
    return float((pred == y.reshape(-1).long()).float().mean())


def blobs(n: int, centers: Sequence[Sequence[float]], std: float, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n points per center, Gaussian around it; labels are the center's index."""
    c = torch.tensor(centers, dtype=torch.float32)
    x = c.repeat_interleave(n, dim=0) + std * torch.randn(n * len(c), c.shape[1], generator=g)
    y = torch.arange(len(c)).repeat_interleave(n)
    return x, y


def ring_of_gaussians(n: int, g: torch.Generator, modes: int = 8, radius: float = 2.0,
                      std: float = 0.02) -> tuple[torch.Tensor, torch.Tensor]:
    """n samples of the 2-D mixture of `modes` Gaussians on a circle (the GAN mode-collapse benchmark).

    Returns (samples, the modes' centers).
    """
    angles = torch.arange(modes, dtype=torch.float32) * (2 * math.pi / modes)
    centers = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    which = torch.randint(modes, (n,), generator=g)
    return centers[which] + std * torch.randn(n, 2, generator=g), centers


def spirals(n: int, g: torch.Generator, noise: float = 0.1, turns: float = 1.5) -> tuple[torch.Tensor, torch.Tensor]:
    """Two interleaved spirals, n points each; labels 0 and 1."""
    t = torch.rand(n, generator=g) * turns * 2 * math.pi + 0.5
    arm = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (turns * 2 * math.pi)
    x = torch.cat([arm, -arm]) + noise * torch.randn(2 * n, 2, generator=g) / (turns * 2)
    y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])
    return x, y
