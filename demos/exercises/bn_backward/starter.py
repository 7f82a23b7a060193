"""BatchNorm's backward pass by hand (training mode), checked against autograd.

Implement `batchnorm_backward` with plain tensor operations; no autograd
(no .backward(), no torch.autograd).
"""

import torch


def batchnorm_backward(dy: torch.Tensor, x: torch.Tensor, gamma: torch.Tensor, eps: float = 1e-5):
    """Gradients of BatchNorm in training mode, for an (N, C) input.

    The forward pass was y = gamma * (x - mean) / sqrt(var + eps) + beta, with
    mean and the biased var of each column (channel) over the batch.
    dy: (N, C), the gradient of the loss with respect to y. x: (N, C). gamma: (C,).

    Returns (dx, dgamma, dbeta): dx has shape (N, C); dgamma and dbeta (C,).
    Remember that mean and var depend on x too.
    """
    raise NotImplementedError
