"""Layer Normalization forward, with an elementwise affine.

Implement `layer_norm` with plain tensor operations (not F.layer_norm or nn.LayerNorm).
"""

import torch


def layer_norm(x: torch.Tensor, normalized_shape: tuple, weight: torch.Tensor, bias: torch.Tensor,
               eps: float = 1e-5) -> torch.Tensor:
    """LayerNorm, as F.layer_norm(x, normalized_shape, weight, bias, eps) computes it.

    x: (..., *normalized_shape), float32, e.g. (N, T, D) with normalized_shape (D,),
    or (N, C, H, W) with normalized_shape (C, H, W).
    weight, bias: tensors of shape normalized_shape.
    Returns y with x's shape: normalized over the last len(normalized_shape) axes
    (biased variance, eps inside the square root), then y * weight + bias.
    """
    raise NotImplementedError
