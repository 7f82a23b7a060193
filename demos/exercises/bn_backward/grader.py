"""Grader: BatchNorm's backward pass, against autograd through F.batch_norm."""

import torch
import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "batchnorm_backward"
FORBIDDEN = ("autograd", "backward", *kit.NORM_OPS)   # autograd, and every normalization op


def _check(candidate, n, c, seed, part, eps=1e-5):
    x = kit.randn(n, c, seed=seed, scale=2.0, shift=1.0, dtype=torch.float64)
    gamma = kit.randn(c, seed=seed + 1, scale=0.5, shift=1.0, dtype=torch.float64)
    beta = kit.randn(c, seed=seed + 2, dtype=torch.float64)
    dy = kit.randn(n, c, seed=seed + 3, dtype=torch.float64)
    inputs = f"x ({n}, {c}) float64 seed {seed}, eps {eps:g}"
    xs, gs, bs = (t.clone().requires_grad_(True) for t in (x, gamma, beta))
    y = F.batch_norm(xs, None, None, gs, bs, training=True, eps=eps)
    want = torch.autograd.grad(y, (xs, gs, bs), dy)
    got = kit.as_tuple(candidate(dy.clone(), x.clone(), gamma.clone(), eps), 3, ("dx", "dgamma", "dbeta"), inputs)
    names = ("dx", "dgamma", "dbeta")
    kit.assert_close(got[part], want[part], atol=1e-8, rtol=1e-6, what=names[part], inputs=inputs)


def test_dbeta(candidate, reference):
    """dbeta = the sum of dy over the batch."""
    _check(candidate, 8, 3, seed=0, part=2)


def test_dgamma(candidate, reference):
    """dgamma = the sum over the batch of dy times the normalized x."""
    _check(candidate, 8, 3, seed=1, part=1)


def test_dx(candidate, reference):
    """dx, with the paths through the batch mean and the batch variance."""
    _check(candidate, 8, 3, seed=2, part=0)
    _check(candidate, 32, 5, seed=3, part=0)


def test_dx_small_batch(candidate, reference):
    """dx for a batch of 2, where the mean and variance paths dominate."""
    _check(candidate, 2, 4, seed=4, part=0)
