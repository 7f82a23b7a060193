"""Grader: BatchNorm forward in training mode, against F.batch_norm(training=True)."""

import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "batchnorm_train"
FORBIDDEN = kit.NORM_OPS   # every normalization op: one can stand in for another


def _case(shape, seed, small_var=False):
    c = shape[1]
    x = kit.randn(*shape, seed=seed, scale=2.0, shift=0.5)
    if small_var:      # a channel whose values barely differ: eps matters there
        x[:, 0] = 0.3 + 1e-4 * kit.randn(*x[:, 0].shape, seed=seed + 1)
    gamma = kit.randn(c, seed=seed + 2, scale=0.5, shift=1.0)
    beta = kit.randn(c, seed=seed + 3)
    rm = kit.randn(c, seed=seed + 4, scale=0.1)
    rv = kit.rand(c, seed=seed + 5, low=0.5, high=1.5)
    return x, gamma, beta, rm, rv


def _expected(x, gamma, beta, rm, rv, momentum, eps):
    rm, rv = rm.clone(), rv.clone()
    y = F.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=momentum, eps=eps)
    return y, rm, rv


def _check(candidate, shape, seed, momentum=0.1, eps=1e-5, small_var=False, parts=(0, 1, 2), pure=False):
    args = _case(shape, seed, small_var)
    inputs = f"x {tuple(shape)} seed {seed}, momentum {momentum}, eps {eps:g}"
    if pure:
        got = kit.call_pure(candidate, *kit.clone_all(args), momentum, eps,
                            names=("x", "gamma", "beta", "running_mean", "running_var"), inputs=inputs)
    else:
        got = candidate(*kit.clone_all(args), momentum, eps)
    got = kit.as_tuple(got, 3, ("y", "new_running_mean", "new_running_var"), inputs)
    want = _expected(*args, momentum, eps)
    names = ("y", "new_running_mean", "new_running_var")
    for i in parts:
        kit.assert_close(got[i], want[i], atol=1e-4, rtol=1e-4, what=names[i], inputs=inputs)


def test_output_2d(candidate, reference):
    """y for an (N, C) input: batch mean and biased batch variance per channel."""
    _check(candidate, (16, 4), seed=0, parts=(0,))


def test_output_4d(candidate, reference):
    """y for an (N, C, H, W) input: statistics over N, H and W, one pair per channel."""
    _check(candidate, (4, 3, 5, 5), seed=1, parts=(0,))


def test_eps_inside_sqrt(candidate, reference):
    """A channel with a tiny variance: eps goes inside the square root."""
    _check(candidate, (8, 3, 4, 4), seed=2, eps=1e-3, small_var=True, parts=(0,))


def test_running_mean(candidate, reference):
    """running_mean = (1 - momentum) * running_mean + momentum * batch mean (PyTorch's convention)."""
    _check(candidate, (16, 4), seed=3, momentum=0.3, parts=(1,))


def test_running_var_unbiased(candidate, reference):
    """running_var is updated with the unbiased batch variance (divide by n - 1)."""
    _check(candidate, (6, 4), seed=4, momentum=0.3, parts=(2,))
    _check(candidate, (2, 3, 2, 2), seed=5, momentum=0.5, parts=(2,))


def test_no_inplace(candidate, reference):
    """The inputs are left as they were; new running statistics are returned."""
    _check(candidate, (4, 2, 3, 3), seed=6, pure=True)
