"""Grader: LayerNorm against F.layer_norm."""

import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "layer_norm"
FORBIDDEN = kit.NORM_OPS   # every normalization op: one can stand in for another


def _check(candidate, shape, n_norm, seed, eps=1e-5):
    x = kit.randn(*shape, seed=seed, scale=2.0, shift=0.5)
    ns = tuple(shape[-n_norm:])
    w = kit.randn(*ns, seed=seed + 1, scale=0.5, shift=1.0)
    b = kit.randn(*ns, seed=seed + 2)
    inputs = f"x {tuple(shape)} seed {seed}, normalized_shape {ns}, eps {eps:g}"
    got = kit.call_pure(candidate, x.clone(), ns, w.clone(), b.clone(), eps,
                        names=("x", "normalized_shape", "weight", "bias"), inputs=inputs)
    kit.assert_close(got, F.layer_norm(x, ns, w, b, eps), atol=1e-4, rtol=1e-4, what="y", inputs=inputs)


def test_tokens(candidate, reference):
    """(N, T, D) with normalized_shape (D,): one mean and variance per token."""
    _check(candidate, (2, 5, 8), 1, seed=0)


def test_batch_of_one(candidate, reference):
    """One sample: LayerNorm does not depend on the batch at all."""
    _check(candidate, (1, 6), 1, seed=1)


def test_image_chw(candidate, reference):
    """(N, C, H, W) with normalized_shape (C, H, W): statistics over three axes per sample."""
    _check(candidate, (3, 2, 4, 4), 3, seed=2)


def test_two_trailing_axes(candidate, reference):
    """normalized_shape of two axes: weight and bias of that shape, statistics over both."""
    _check(candidate, (2, 3, 4, 5), 2, seed=3)
