"""Inverted dropout, the form every framework uses.

Implement `dropout` with plain tensor operations (not F.dropout or nn.Dropout).
"""

import torch


def dropout(x: torch.Tensor, p: float, training: bool, generator: torch.Generator) -> torch.Tensor:
    """Dropout with drop probability p, as F.dropout(x, p, training) behaves.

    x: any shape, float32. In training, zero each element with probability p (draw the
    mask with torch.rand(x.shape, generator=generator) < p meaning "dropped", one call,
    so the grader can reproduce it) and scale the kept ones so that the expected value of
    each output equals its input. In eval mode (training=False) return x unchanged.
    p = 1 drops everything. Do not change x in place.
    """
    raise NotImplementedError
