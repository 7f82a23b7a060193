"""Grader: InstanceNorm against F.instance_norm."""

import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "instance_norm"
FORBIDDEN = kit.NORM_OPS   # every normalization op: one can stand in for another


def _check(candidate, shape, seed, eps=1e-5, tiny_channel=False):
    x = kit.randn(*shape, seed=seed, scale=3.0, shift=1.0)
    # Every (sample, channel) gets its own offset and scale, as images of different styles do.
    x = x * kit.rand(shape[0], shape[1], 1, 1, seed=seed + 1, low=0.2, high=3) \
        + kit.randn(shape[0], shape[1], 1, 1, seed=seed + 2, scale=4)
    if tiny_channel:
        x[0, 0] = 0.7 + 1e-4 * kit.randn(*shape[2:], seed=seed + 3)
    inputs = f"x {tuple(shape)} seed {seed}, eps {eps:g}"
    got = kit.call_pure(candidate, x.clone(), eps, names=("x",), inputs=inputs)
    kit.assert_close(got, F.instance_norm(x, eps=eps), atol=1e-4, rtol=1e-4, what="y", inputs=inputs)


def test_per_sample_per_channel(candidate, reference):
    """Statistics over H and W only: one mean and variance per (sample, channel)."""
    _check(candidate, (3, 4, 5, 5), seed=0)


def test_batch_of_one(candidate, reference):
    """N = 1 and non-square H, W."""
    _check(candidate, (1, 2, 3, 7), seed=1)


def test_small_spatial(candidate, reference):
    """2 x 2 feature maps: the biased variance (divide by H*W, not H*W - 1)."""
    _check(candidate, (2, 3, 2, 2), seed=2)


def test_eps_inside_sqrt(candidate, reference):
    """A nearly constant channel: eps goes inside the square root."""
    _check(candidate, (2, 3, 4, 4), seed=3, eps=1e-3, tiny_channel=True)
