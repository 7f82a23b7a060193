"""Spectral normalization of a convolution's weight: the reshape, one power-iteration step, the division.

Implement `spectral_normalize_conv` with plain tensor operations (not torch.linalg.svd,
torch.linalg.matrix_norm or torch.nn.utils.spectral_norm).
"""

import torch


def spectral_normalize_conv(weight: torch.Tensor, u: torch.Tensor, eps: float = 1e-12):
    """The weight that torch.nn.utils.spectral_norm gives a Conv2d, for one training step.

    weight: (C_out, C_in, kh, kw), float32. u: (C_out,), the unit vector kept from the
    previous step. Reshape the weight to a matrix the way spectral_norm does for a Conv2d,
    do one power-iteration step from u (v from W^T u, then u from W v, normalizing as
    F.normalize with eps does), and divide the weight by sigma = u^T W v.

    Returns (weight_sn, u_new): weight_sn with weight's shape (gradients flow to weight,
    with u and v treated as constants), u_new (C_out,) to keep for the next step.
    """
    raise NotImplementedError
