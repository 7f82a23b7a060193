# expect: test_groups
# says: max abs error
import torch


def group_norm(x, num_groups, weight, bias, eps=1e-5):
    n, c = x.shape[:2]
    # The mistake: statistics shared across the batch (the group statistics pool all samples).
    g = x.transpose(0, 1).reshape(num_groups, -1)
    mean = g.mean(dim=1, keepdim=True)
    var = ((g - mean) ** 2).mean(dim=1, keepdim=True)
    y = ((g - mean) / torch.sqrt(var + eps)).reshape(c, n, *x.shape[2:]).transpose(0, 1)
    return y * weight.view(1, c, 1, 1) + bias.view(1, c, 1, 1)
