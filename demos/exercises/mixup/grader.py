"""Grader: mixup against the definition, on images with one-hot labels."""

import torch

from quizcli.exercise import kit

ENTRY = "mixup"


def _case(seed, n=6, k=4):
    x = kit.randn(n, 3, 4, 4, seed=seed)
    labels = torch.randint(0, k, (n,), generator=torch.Generator().manual_seed(seed + 1))
    y = torch.nn.functional.one_hot(labels, k).float()
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed + 2))
    return x, y, perm


def _check(candidate, seed, lam, part, pure=False):
    x, y, perm = _case(seed)
    inputs = f"x (6, 3, 4, 4) seed {seed}, lam {lam}, perm {perm.tolist()}"
    args = (x.clone(), y.clone(), lam, perm.clone())
    got = kit.call_pure(candidate, *args, names=("x", "y", "lam", "perm"), inputs=inputs) if pure else candidate(*args)
    xm, ym = kit.as_tuple(got, 2, ("x_mixed", "y_mixed"), inputs)
    want = (lam * x + (1 - lam) * x[perm], lam * y + (1 - lam) * y[perm])
    name = ("x_mixed", "y_mixed")[part]
    kit.assert_close((xm, ym)[part], want[part], atol=1e-6, rtol=1e-6, what=name, inputs=inputs)


def test_inputs(candidate, reference):
    """x_mixed = lam * x + (1 - lam) * x[perm]."""
    _check(candidate, 0, 0.7, 0)


def test_labels(candidate, reference):
    """y_mixed = lam * y + (1 - lam) * y[perm]: the labels mixed with the same lam and the same partners."""
    _check(candidate, 1, 0.7, 1)


def test_small_lam(candidate, reference):
    """lam = 0.2: the weight lam goes to the example itself, 1 - lam to its partner."""
    _check(candidate, 2, 0.2, 0)
    _check(candidate, 2, 0.2, 1)


def test_no_inplace(candidate, reference):
    """x and y are left as they were."""
    _check(candidate, 3, 0.5, 0, pure=True)
