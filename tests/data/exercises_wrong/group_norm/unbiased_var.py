# expect: test_groups
# says: max abs error
import torch


def group_norm(x, num_groups, weight, bias, eps=1e-5):
    n, c = x.shape[:2]
    g = x.reshape(n, num_groups, -1)
    mean = g.mean(dim=2, keepdim=True)
    var = g.var(dim=2, keepdim=True)       # the mistake: unbiased
    y = ((g - mean) / torch.sqrt(var + eps)).reshape(x.shape)
    return y * weight.view(1, c, 1, 1) + bias.view(1, c, 1, 1)
