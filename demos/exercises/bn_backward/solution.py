"""Reference: BatchNorm backward, the compact form of the chain rule through mean and var."""

import torch


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    n = x.shape[0]
    mean = x.mean(0)
    var = ((x - mean) ** 2).mean(0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dbeta = dy.sum(0)
    dgamma = (dy * x_hat).sum(0)
    dx_hat = dy * gamma
    # d/dx of x_hat: the direct path, minus the paths through the mean and the variance.
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(0) - x_hat * (dx_hat * x_hat).sum(0))
    return dx, dgamma, dbeta
