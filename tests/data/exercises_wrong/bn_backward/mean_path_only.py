# expect: test_dx
# says: dx
import torch


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    n = x.shape[0]
    mean = x.mean(0)
    var = ((x - mean) ** 2).mean(0)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dx_hat = dy * gamma
    # The mistake: the path through the variance is left out.
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(0))
    return dx, (dy * x_hat).sum(0), dy.sum(0)
