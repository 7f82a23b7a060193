"""One step of spectral normalization's power iteration, with a persistent u.

Implement `power_iteration_step` with plain tensor operations (not torch.linalg.svd,
torch.linalg.matrix_norm or torch.nn.utils.parametrizations.spectral_norm).
"""

import torch


def power_iteration_step(weight: torch.Tensor, u: torch.Tensor, eps: float = 1e-12):
    """One power-iteration step, as torch.nn.utils.spectral_norm does per training step (Miyato et al.).

    weight: (out, in), float32, requires_grad may be True. u: (out,), the left singular
    vector estimate kept from the previous step (a unit vector).
    Update v from u, then u from v (normalize a vector as F.normalize does: divide by
    max(norm, eps)), and estimate the largest singular value sigma from the new u and v.

    Returns (sigma, u_new, v_new): sigma a 0-dim tensor through which gradients flow to
    weight, with u_new and v_new treated as constants (no gradient through them);
    u_new (out,) and v_new (in,) unit vectors, to be passed back in at the next step.
    """
    raise NotImplementedError
