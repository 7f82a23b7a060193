"""Grader: inverted dropout with the mask the grader can reproduce."""

import torch

from quizcli.exercise import kit

ENTRY = "dropout"
FORBIDDEN = ("dropout", "Dropout")   # the ops the exercise is about


def _want(x, p, seed):
    keep = torch.rand(x.shape, generator=torch.Generator().manual_seed(seed)) >= p
    return x * keep / (1 - p)


def test_training(candidate, reference):
    """Training: the dropped elements are 0 and the kept ones are scaled by 1 / (1 - p)."""
    x = kit.randn(8, 16, seed=0)
    inputs = "x (8, 16) seed 0, p 0.3, generator seed 7"
    got = kit.call_pure(candidate, x.clone(), 0.3, True, torch.Generator().manual_seed(7), names=("x",), inputs=inputs)
    kit.assert_close(got, _want(x, 0.3, 7), atol=1e-6, rtol=1e-6, what="output", inputs=inputs)


def test_expectation_preserved(candidate, reference):
    """Over many elements the mean of the output stays the mean of the input (here all ones)."""
    x = torch.ones(200_000)
    inputs = "x = 200,000 ones, p 0.5"
    got = kit.assert_tensor(candidate(x.clone(), 0.5, True, torch.Generator().manual_seed(1)), "output", inputs)
    kit.assert_scalar(got.mean().item(), 1.0, atol=0.01, rtol=0, what=kit._("mean of the output"), inputs=inputs)


def test_eval_is_identity(candidate, reference):
    """Eval mode: the input as it is, no scaling (that is the point of the inverted form)."""
    x = kit.randn(4, 5, seed=2)
    inputs = "x (4, 5) seed 2, p 0.4, training False"
    got = candidate(x.clone(), 0.4, False, torch.Generator().manual_seed(3))
    kit.assert_close(got, x, atol=0, rtol=0, what="output", inputs=inputs)


def test_p_edge_cases(candidate, reference):
    """p = 0 keeps everything unscaled; p = 1 drops everything (no division by zero)."""
    x = kit.randn(3, 4, seed=4)
    got = candidate(x.clone(), 0.0, True, torch.Generator().manual_seed(5))
    kit.assert_close(got, x, atol=1e-7, rtol=0, what="output", inputs="x (3, 4) seed 4, p 0")
    got = candidate(x.clone(), 1.0, True, torch.Generator().manual_seed(5))
    kit.assert_close(got, torch.zeros_like(x), atol=0, rtol=0, what="output", inputs="x (3, 4) seed 4, p 1")
