# expect: test_groups
# says: y: max abs error
import torch


def group_norm(x, num_groups, weight, bias, eps=1e-5):
    n, c, h, w = x.shape
    # The mistake: groups of channels c, c + G, c + 2G, ... (the reshape puts the group axis second).
    g = x.reshape(n, c // num_groups, num_groups, h * w).transpose(1, 2).reshape(n, num_groups, -1)
    mean = g.mean(dim=2, keepdim=True)
    var = ((g - mean) ** 2).mean(dim=2, keepdim=True)
    y = ((g - mean) / torch.sqrt(var + eps)).reshape(n, num_groups, c // num_groups, h * w)
    y = y.transpose(1, 2).reshape(x.shape)
    return y * weight.view(1, c, 1, 1) + bias.view(1, c, 1, 1)
