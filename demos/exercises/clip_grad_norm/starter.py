"""Gradient clipping by the global norm, as torch.nn.utils.clip_grad_norm_ does it.

Implement `clip_grad_norm` with plain tensor operations (not torch.nn.utils).
"""

import torch


def clip_grad_norm(grads: list[torch.Tensor], max_norm: float, eps: float = 1e-6):
    """Scale a list of gradient tensors so that their global L2 norm is at most max_norm.

    grads: a list of tensors of any shapes (the gradients of all parameters), float32.
    The global norm is the L2 norm of all their elements together. When it exceeds max_norm,
    every gradient is multiplied by the same factor max_norm / (total_norm + eps); otherwise
    they are returned unchanged (the factor is clamped to 1).
    Returns (clipped_grads, total_norm): a list of new tensors, and the norm before clipping
    as a 0-dim tensor. Do not change the input tensors in place.
    """
    raise NotImplementedError
