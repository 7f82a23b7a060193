# expect: test_dx_small_batch
# says: max abs error
import torch


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    n = x.shape[0]
    mean = x.mean(0)
    # The mistake: the forward pass normalizes with the biased variance, not the unbiased one.
    var = x.var(0, unbiased=True)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dx_hat = dy * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(0) - x_hat * (dx_hat * x_hat).sum(0))
    return dx, (dy * x_hat).sum(0), dy.sum(0)
