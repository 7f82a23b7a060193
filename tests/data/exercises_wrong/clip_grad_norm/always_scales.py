# expect: test_below_max_untouched
# says: clipped gradient
import torch


def clip_grad_norm(grads, max_norm, eps=1e-6):
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    # The mistake: no clamp: gradients below max_norm are scaled up to it.
    factor = max_norm / (total + eps)
    return [g * factor for g in grads], total
