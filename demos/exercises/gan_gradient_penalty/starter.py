"""WGAN-GP's gradient penalty (Gulrajani et al. 2017).

Implement `gradient_penalty` with plain tensor operations and torch.autograd.grad.
"""

import torch


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """The penalty E[(||grad_x critic(x_hat)||_2 - 1)^2] on interpolates x_hat.

    critic: a function (a torch.nn.Module) from a batch (N, ...) to scores (N,) or (N, 1).
    real, fake: (N, C, H, W) or (N, D), float32. alpha: (N, 1, 1, 1) or (N, 1), one
    mixing weight per sample, drawn by the caller (x_hat = alpha * real + (1 - alpha) * fake).
    The norm is taken per sample, over all its features.

    Returns a 0-dim tensor (the mean over the batch, without the lambda factor) that the
    critic's loss can be trained with: gradients must flow from it to the critic's parameters.
    """
    raise NotImplementedError
