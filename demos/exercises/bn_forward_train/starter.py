"""BatchNorm forward pass in training mode, with the running statistics.

Implement `batchnorm_train` with plain tensor operations (not F.batch_norm,
nn.BatchNorm*, or torch.var_mean with a hidden default you did not choose).
"""

import torch


def batchnorm_train(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor,
                    running_mean: torch.Tensor, running_var: torch.Tensor,
                    momentum: float = 0.1, eps: float = 1e-5):
    """BatchNorm in training mode, as torch.nn.BatchNorm1d/2d computes it.

    x: (N, C) or (N, C, H, W), float32. gamma, beta, running_mean, running_var: (C,).
    Normalize each channel with the statistics of this batch, scale by gamma,
    shift by beta, and update the running statistics with PyTorch's momentum
    convention.

    Returns (y, new_running_mean, new_running_var): y has x's shape; the two
    running statistics have shape (C,). Do not change any input in place.
    """
    raise NotImplementedError
