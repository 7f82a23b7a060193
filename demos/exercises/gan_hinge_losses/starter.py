"""The hinge losses of SN-GAN and BigGAN, for the discriminator and the generator.

Implement `hinge_losses` with plain tensor operations.
"""

import torch


def hinge_losses(d_real: torch.Tensor, d_fake: torch.Tensor):
    """The hinge version of the adversarial loss (Lim & Ye 2017; Miyato et al. 2018).

    d_real, d_fake: (N,), float32: the discriminator's raw scores (no sigmoid) on real
    and on generated samples. Returns (d_loss, g_loss), two 0-dim tensors, each a mean
    over the batch: d_loss for training D, g_loss for training G.
    """
    raise NotImplementedError
