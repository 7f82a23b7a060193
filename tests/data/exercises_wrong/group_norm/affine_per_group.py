# expect: test_affine_per_channel
# says: y: max abs error
import torch


def group_norm(x, num_groups, weight, bias, eps=1e-5):
    n, c = x.shape[:2]
    g = x.reshape(n, num_groups, -1)
    mean = g.mean(dim=2, keepdim=True)
    var = ((g - mean) ** 2).mean(dim=2, keepdim=True)
    # The mistake: the affine applied per group, with weight[:G] and bias[:G].
    y = (g - mean) / torch.sqrt(var + eps) * weight[:num_groups].view(1, -1, 1) + bias[:num_groups].view(1, -1, 1)
    return y.reshape(x.shape)
