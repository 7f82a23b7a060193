"""Grader: GroupNorm against F.group_norm, including G = 1 (LayerNorm) and G = C (InstanceNorm)."""

import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "group_norm"
FORBIDDEN = kit.NORM_OPS   # every normalization op: one can stand in for another


def _check(candidate, shape, groups, seed, eps=1e-5):
    x = kit.randn(*shape, seed=seed, scale=2.0, shift=0.5)
    # Channels that differ in scale and offset, so that a wrong grouping shows.
    x = x * kit.rand(1, shape[1], 1, 1, seed=seed + 1, low=0.2, high=4) \
        + kit.randn(1, shape[1], 1, 1, seed=seed + 2, scale=3)
    w = kit.randn(shape[1], seed=seed + 3, scale=0.5, shift=1.0)
    b = kit.randn(shape[1], seed=seed + 4)
    inputs = f"x {tuple(shape)} seed {seed}, num_groups {groups}, eps {eps:g}"
    got = kit.call_pure(candidate, x.clone(), groups, w.clone(), b.clone(), eps,
                        names=("x", "num_groups", "weight", "bias"), inputs=inputs)
    kit.assert_close(got, F.group_norm(x, groups, w, b, eps), atol=1e-4, rtol=1e-4, what="y", inputs=inputs)


def test_groups(candidate, reference):
    """C = 8 in 4 groups of 2 consecutive channels."""
    _check(candidate, (2, 8, 4, 4), 4, seed=0)


def test_one_group(candidate, reference):
    """num_groups = 1: LayerNorm over (C, H, W) with a per-channel affine."""
    _check(candidate, (3, 6, 3, 3), 1, seed=1)


def test_group_per_channel(candidate, reference):
    """num_groups = C: InstanceNorm with a per-channel affine."""
    _check(candidate, (2, 4, 3, 5), 4, seed=2)


def test_affine_per_channel(candidate, reference):
    """weight and bias are per channel (C,), not per group."""
    _check(candidate, (2, 6, 2, 2), 3, seed=3)
