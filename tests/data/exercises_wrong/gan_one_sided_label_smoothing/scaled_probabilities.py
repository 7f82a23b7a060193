# expect: test_optimum_is_smooth
# says: not lowest
import torch
import torch.nn.functional as F


def d_loss_one_sided(d_real_logits, d_fake_logits, smooth=0.9):
    # The mistake: D's output scaled by smooth against a target of 1, instead of a smoothed target.
    real = -torch.log(smooth * torch.sigmoid(d_real_logits)).mean()
    fake = F.binary_cross_entropy_with_logits(d_fake_logits, torch.zeros_like(d_fake_logits))
    return real + fake
