"""Grader: BatchNorm in eval mode, against F.batch_norm(training=False)."""

import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "batchnorm_eval"
FORBIDDEN = kit.NORM_OPS   # every normalization op: one can stand in for another


def _case(shape, seed, var_low=0.5):
    c = shape[1]
    x = kit.randn(*shape, seed=seed, scale=2.0, shift=0.5)
    gamma = kit.randn(c, seed=seed + 1, scale=0.5, shift=1.0)
    beta = kit.randn(c, seed=seed + 2)
    rm = kit.randn(c, seed=seed + 3)
    rv = kit.rand(c, seed=seed + 4, low=var_low, high=var_low * 3)
    return x, gamma, beta, rm, rv


def _check(candidate, shape, seed, eps=1e-5, var_low=0.5, pure=False):
    args = _case(shape, seed, var_low)
    inputs = f"x {tuple(shape)} seed {seed}, eps {eps:g}"
    if pure:
        got = kit.call_pure(candidate, *kit.clone_all(args), eps,
                            names=("x", "gamma", "beta", "running_mean", "running_var"), inputs=inputs)
    else:
        got = candidate(*kit.clone_all(args), eps)
    want = F.batch_norm(args[0], args[3].clone(), args[4].clone(), args[1], args[2], training=False, eps=eps)
    kit.assert_close(got, want, atol=1e-4, rtol=1e-4, what="y", inputs=inputs)


def test_output_2d(candidate, reference):
    """(N, C) input: normalized with running_mean and running_var, then gamma and beta."""
    _check(candidate, (16, 4), seed=0)


def test_output_4d(candidate, reference):
    """(N, C, H, W) input: the per-channel statistics broadcast over N, H, W."""
    _check(candidate, (4, 3, 5, 5), seed=1)


def test_single_sample(candidate, reference):
    """A batch of one sample: eval mode must not use the batch's statistics (they would be degenerate)."""
    _check(candidate, (1, 3, 4, 4), seed=2)


def test_eps_inside_sqrt(candidate, reference):
    """Tiny running variances: eps goes inside the square root."""
    _check(candidate, (8, 3), seed=3, eps=1e-3, var_low=1e-5)


def test_no_inplace(candidate, reference):
    """The inputs are left as they were."""
    _check(candidate, (4, 2, 3, 3), seed=4, pure=True)
