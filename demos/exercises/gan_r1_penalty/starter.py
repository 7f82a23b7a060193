"""The R1 gradient penalty (Mescheder et al. 2018), as StyleGAN uses it.

Implement `r1_penalty` with plain tensor operations and torch.autograd.grad.
"""

import torch


def r1_penalty(discriminator, real: torch.Tensor, gamma: float) -> torch.Tensor:
    """R1 = gamma / 2 * E[ ||grad_x D(x)||_2^2 ] over real samples x.

    discriminator: a function (a torch.nn.Module) from a batch (N, ...) to logits (N,) or (N, 1).
    real: (N, C, H, W) or (N, D), float32. gamma: the penalty weight.
    The squared norm is taken per sample, over all its features, then averaged.

    Returns a 0-dim tensor to add to D's loss: gradients must flow from it to D's
    parameters. Do not change `real` in place.
    """
    raise NotImplementedError
