# expect: test_value
# says: max abs error
import torch
import torch.nn.functional as F


def d_loss_one_sided(d_real_logits, d_fake_logits, smooth=0.9):
    # The mistake: the wrong side smoothed: reals at 1, fakes at 1 - smooth.
    real = F.binary_cross_entropy_with_logits(d_real_logits, torch.ones_like(d_real_logits))
    fake = F.binary_cross_entropy_with_logits(d_fake_logits, torch.full_like(d_fake_logits, 1 - smooth))
    return real + fake
