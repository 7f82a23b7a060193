"""The non-saturating generator loss of the original GAN.

Implement `g_loss_nonsaturating` with plain tensor operations.
"""

import torch


def g_loss_nonsaturating(d_fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's non-saturating loss, -E[log D(G(z))], from the discriminator's logits.

    d_fake_logits: (N,) or (N, 1), float32: D's raw scores (before the sigmoid) on
    generated samples; D(x) = sigmoid(logit). Returns a 0-dim tensor, the mean over the
    batch, finite for any logit (even -100 or +100), with gradients to the logits.
    """
    raise NotImplementedError
