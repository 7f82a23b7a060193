"""The discriminator's loss with one-sided label smoothing (Salimans et al. 2016).

Implement `d_loss_one_sided` with plain tensor operations (F.binary_cross_entropy_with_logits is allowed).
"""

import torch


def d_loss_one_sided(d_real_logits: torch.Tensor, d_fake_logits: torch.Tensor, smooth: float = 0.9) -> torch.Tensor:
    """The discriminator's binary cross-entropy with one-sided label smoothing.

    d_real_logits, d_fake_logits: (N,), float32: D's raw scores (before the sigmoid) on
    real and on generated samples. smooth: the target for real samples (e.g. 0.9).
    Returns a 0-dim tensor: the mean BCE over the real samples plus the mean BCE over the
    fake samples, finite for any logit.
    """
    raise NotImplementedError
