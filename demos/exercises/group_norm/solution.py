"""Reference: reshape to (N, G, C/G * H * W), normalize each row, reshape back, affine per channel."""

import torch


def group_norm(x, num_groups, weight, bias, eps=1e-5):
    n, c = x.shape[:2]
    g = x.reshape(n, num_groups, -1)               # groups of consecutive channels
    mean = g.mean(dim=2, keepdim=True)
    var = ((g - mean) ** 2).mean(dim=2, keepdim=True)
    y = ((g - mean) / torch.sqrt(var + eps)).reshape(x.shape)
    shape = [1, c] + [1] * (x.dim() - 2)
    return y * weight.view(shape) + bias.view(shape)
