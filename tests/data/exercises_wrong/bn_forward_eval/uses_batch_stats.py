# expect: test_output_2d
# says: y: max abs error
import torch


def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    # The mistake: batch statistics, as in training mode.
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * gamma.view(shape) + beta.view(shape)
