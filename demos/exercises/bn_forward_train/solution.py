"""Reference: BatchNorm forward in training mode (PyTorch's conventions)."""

import torch


def batchnorm_train(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor,
                    running_mean: torch.Tensor, running_var: torch.Tensor,
                    momentum: float = 0.1, eps: float = 1e-5):
    dims = [0] + list(range(2, x.dim()))            # every axis but the channel axis
    shape = [1, -1] + [1] * (x.dim() - 2)           # (C,) -> broadcastable against x
    n = x.numel() // x.shape[1]                      # values per channel
    mean = x.mean(dim=dims)
    var = ((x - mean.view(shape)) ** 2).mean(dim=dims)          # biased: used to normalize
    y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)
    y = y * gamma.view(shape) + beta.view(shape)
    # PyTorch: new = (1 - momentum) * old + momentum * batch, with the unbiased variance.
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    return y, new_mean, new_var
