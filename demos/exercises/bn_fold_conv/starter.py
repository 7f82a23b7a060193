"""Folding a BatchNorm (eval mode) into the convolution before it.

Implement `fold_bn_into_conv` with plain tensor operations.
"""

import torch


def fold_bn_into_conv(weight: torch.Tensor, bias, gamma: torch.Tensor, beta: torch.Tensor,
                      running_mean: torch.Tensor, running_var: torch.Tensor, eps: float = 1e-5):
    """The weight and bias of one convolution that computes bn(conv(x)) in eval mode.

    weight: (C_out, C_in, kh, kw), float32; bias: (C_out,) or None (a conv with bias=False).
    gamma, beta, running_mean, running_var: (C_out,), the BatchNorm2d after the conv.

    Returns (new_weight, new_bias) with shapes (C_out, C_in, kh, kw) and (C_out,), such that
    F.conv2d(x, new_weight, new_bias) equals the BN (eval mode) of F.conv2d(x, weight, bias).
    Do not change any input in place.
    """
    raise NotImplementedError
