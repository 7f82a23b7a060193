"""Reference: -log(sigmoid(l)) = softplus(-l), computed stably."""

import torch.nn.functional as F


def g_loss_nonsaturating(d_fake_logits):
    return F.softplus(-d_fake_logits).mean()
