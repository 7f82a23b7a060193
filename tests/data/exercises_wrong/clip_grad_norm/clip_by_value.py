# expect: test_clips_with_one_factor
# says: max abs error
import torch


def clip_grad_norm(grads, max_norm, eps=1e-6):
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    # The mistake: clipping each element by value, not the vector by its norm.
    return [g.clamp(-max_norm, max_norm) for g in grads], total
