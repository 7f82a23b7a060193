"""Reference: BatchNorm in eval mode uses the running statistics, never the batch's."""

import torch


def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    shape = [1, -1] + [1] * (x.dim() - 2)            # (C,) -> broadcastable against x
    scale = gamma / torch.sqrt(running_var + eps)     # an affine map per channel: foldable into a conv
    return (x - running_mean.view(shape)) * scale.view(shape) + beta.view(shape)
