# expect: test_g_loss_gradient_past_the_margin
# says: d g_loss / d d_fake
import torch.nn.functional as F


def hinge_losses(d_real, d_fake):
    d_loss = F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()
    # The mistake: a hinge for G as well; G stops learning once its fakes score above 1.
    g_loss = F.relu(1.0 - d_fake).mean()
    return d_loss, g_loss
