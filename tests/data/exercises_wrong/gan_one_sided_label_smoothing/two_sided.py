# expect: test_fake_targets_stay_zero
# says: loss: max abs error
import torch
import torch.nn.functional as F


def d_loss_one_sided(d_real_logits, d_fake_logits, smooth=0.9):
    real = F.binary_cross_entropy_with_logits(d_real_logits, torch.full_like(d_real_logits, smooth))
    # The mistake: the fake targets smoothed too (1 - smooth), which rewards D for scoring fakes as real.
    fake = F.binary_cross_entropy_with_logits(d_fake_logits, torch.full_like(d_fake_logits, 1 - smooth))
    return real + fake
