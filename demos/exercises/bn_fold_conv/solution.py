"""Reference: BN in eval mode is a per-channel affine map, so it folds into the conv."""

import torch


def fold_bn_into_conv(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / torch.sqrt(running_var + eps)          # one factor per OUTPUT channel
    new_weight = weight * scale.view(-1, 1, 1, 1)
    if bias is None:
        bias = torch.zeros_like(running_mean)
    new_bias = (bias - running_mean) * scale + beta
    return new_weight, new_bias
