# expect: test_output_4d
# says: y: max abs error
import torch


def batchnorm_train(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5):
    shape = [1, -1] + [1] * (x.dim() - 2)
    # The mistake: for a 4-D input the statistics are taken over the batch axis only,
    # one per (C, H, W) position, and then averaged for the running statistics.
    mean = x.mean(dim=0, keepdim=True)
    var = x.var(dim=0, unbiased=False, keepdim=True)
    y = (x - mean) / torch.sqrt(var + eps) * gamma.view(shape) + beta.view(shape)
    m = mean.reshape(x.shape[1], -1).mean(1) if x.dim() > 2 else mean.reshape(-1)
    v = x.var(dim=0, unbiased=True).reshape(x.shape[1], -1).mean(1) if x.dim() > 2 else x.var(dim=0, unbiased=True)
    return y, (1 - momentum) * running_mean + momentum * m, (1 - momentum) * running_var + momentum * v
