# expect: test_no_inplace
# says: in place
import torch


def clip_grad_norm(grads, max_norm, eps=1e-6):
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    factor = torch.clamp(max_norm / (total + eps), max=1.0)
    for g in grads:
        g.mul_(factor)            # the mistake: the caller's tensors scaled in place
    return grads, total
