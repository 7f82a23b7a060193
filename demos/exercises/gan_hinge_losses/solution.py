"""Reference: D pushes real scores above +1 and fake scores below -1; G raises the fake scores."""

import torch.nn.functional as F


def hinge_losses(d_real, d_fake):
    d_loss = F.relu(1.0 - d_real).mean() + F.relu(1.0 + d_fake).mean()
    g_loss = -d_fake.mean()
    return d_loss, g_loss
