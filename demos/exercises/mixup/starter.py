"""mixup (Zhang et al. 2018): train on convex combinations of pairs of examples and of their labels.

Implement `mixup` with plain tensor operations.
"""

import torch


def mixup(x: torch.Tensor, y: torch.Tensor, lam: float, perm: torch.Tensor):
    """Mix each example with the example perm[i] of the same batch.

    x: (N, ...) float32 inputs. y: (N, K) float32 one-hot (or soft) labels.
    lam: the mixing weight in [0, 1] (drawn by the caller from Beta(alpha, alpha)).
    perm: (N,) int64, a permutation of the batch indices.
    Returns (x_mixed, y_mixed) of the shapes of x and y. Do not change any input in place.
    """
    raise NotImplementedError
