# expect: test_eps_inside_sqrt
# says: max abs error
import torch


def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    shape = [1, -1] + [1] * (x.dim() - 2)
    # The mistake: eps added to the standard deviation.
    return (x - running_mean.view(shape)) / (torch.sqrt(running_var.view(shape)) + eps) * gamma.view(shape) \
        + beta.view(shape)
