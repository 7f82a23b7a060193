"""Reference: one norm over every gradient, one factor for all of them."""

import torch


def clip_grad_norm(grads, max_norm, eps=1e-6):
    total = torch.sqrt(sum((g.double() ** 2).sum() for g in grads)).float()
    factor = torch.clamp(max_norm / (total + eps), max=1.0)
    return [g * factor for g in grads], total
