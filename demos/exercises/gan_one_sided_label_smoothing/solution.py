"""Reference: real targets smoothed to `smooth`, fake targets left at 0."""

import torch
import torch.nn.functional as F


def d_loss_one_sided(d_real_logits, d_fake_logits, smooth=0.9):
    real = F.binary_cross_entropy_with_logits(d_real_logits, torch.full_like(d_real_logits, smooth))
    fake = F.binary_cross_entropy_with_logits(d_fake_logits, torch.zeros_like(d_fake_logits))
    return real + fake
