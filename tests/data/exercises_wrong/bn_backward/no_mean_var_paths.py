# expect: test_dx
# says: dx: max abs error
import torch


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    mean = x.mean(0)
    var = ((x - mean) ** 2).mean(0)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    # The mistake: mean and var treated as constants, as if they did not depend on x.
    dx = dy * gamma / torch.sqrt(var + eps)
    return dx, (dy * x_hat).sum(0), dy.sum(0)
