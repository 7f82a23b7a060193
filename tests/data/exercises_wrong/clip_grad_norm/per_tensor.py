# expect: test_clips_with_one_factor
# says: clipped gradient
import torch


def clip_grad_norm(grads, max_norm, eps=1e-6):
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    # The mistake: each tensor clipped by its own norm, which changes the direction of the whole gradient.
    return [g * torch.clamp(max_norm / (g.norm() + eps), max=1.0) for g in grads], total
