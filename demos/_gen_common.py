"""Shared pieces of the generalization and hyperparameter demos (gen_*, hp_*).

Why hand-written optimizers: the first `step()` of any `torch.optim`
optimizer imports `torch._dynamo` (about 2.5 s on a 2-core machine), which
alone would break the 5 s budget of a demo. These are the textbook updates,
with the same defaults as `torch.optim.SGD` and `torch.optim.Adam`.

A demo loads this file by path (demo files are loaded by path, not as a
package):

    spec = importlib.util.spec_from_file_location("_gen_common", Path(__file__).with_name("_gen_common.py"))
"""

from __future__ import annotations

import torch


class SGD:
    """Gradient descent with optional heavy-ball momentum and L2 weight decay."""

    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.buffers = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p, buf in zip(self.params, self.buffers):
            if p.grad is None:
                continue
            d = p.grad + self.weight_decay * p if self.weight_decay else p.grad
            if self.momentum:
                buf.mul_(self.momentum).add_(d)
                d = buf
            p.sub_(self.lr * d)


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, as torch.optim.Adam."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
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
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            p.sub_(self.lr * (m / c1) / ((v / c2).sqrt() + self.eps))
