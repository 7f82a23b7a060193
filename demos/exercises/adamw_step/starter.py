"""One AdamW step (Loshchilov & Hutter 2019): decoupled weight decay, not L2 in the gradient.

Implement `adamw_step` with plain tensor operations (not torch.optim).
"""

import torch


def adamw_step(param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor, exp_avg_sq: torch.Tensor,
               step: int, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 1e-2):
    """One step of torch.optim.AdamW for one parameter tensor.

    param, grad, exp_avg (first moment), exp_avg_sq (second moment): tensors of one shape,
    float32; step: the number of this step, 1 for the first (for the bias correction).
    Returns (new_param, new_exp_avg, new_exp_avg_sq). Do not change any input in place.
    """
    raise NotImplementedError
