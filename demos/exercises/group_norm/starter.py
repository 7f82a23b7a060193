"""Group Normalization forward, with a per-channel affine.

Implement `group_norm` with plain tensor operations (not F.group_norm or nn.GroupNorm).
"""

import torch


def group_norm(x: torch.Tensor, num_groups: int, weight: torch.Tensor, bias: torch.Tensor,
               eps: float = 1e-5) -> torch.Tensor:
    """GroupNorm, as F.group_norm(x, num_groups, weight, bias, eps) computes it.

    x: (N, C, H, W), float32, with C divisible by num_groups. The channels are split
    into num_groups groups of consecutive channels (0..C/G-1 the first group, ...).
    weight, bias: (C,), one per channel.
    Returns y with x's shape: each sample's each group normalized over its channels
    and H, W (biased variance, eps inside the square root), then per-channel weight and bias.
    """
    raise NotImplementedError
