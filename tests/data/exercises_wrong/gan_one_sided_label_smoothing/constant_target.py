# expect: test_smooth_argument
# says: loss
import torch
import torch.nn.functional as F


def d_loss_one_sided(d_real_logits, d_fake_logits, smooth=0.9):
    # The mistake: 0.9 written in, the argument ignored.
    real = F.binary_cross_entropy_with_logits(d_real_logits, torch.full_like(d_real_logits, 0.9))
    fake = F.binary_cross_entropy_with_logits(d_fake_logits, torch.zeros_like(d_fake_logits))
    return real + fake
