# expect: test_total_norm
# says: total_norm: expected
import torch


def clip_grad_norm(grads, max_norm, eps=1e-6):
    # The mistake: the sum of the per-tensor norms, not the norm of everything together.
    total = sum(g.norm() for g in grads)
    factor = torch.clamp(max_norm / (total + eps), max=1.0)
    return [g * factor for g in grads], total
