# expect: test_eps_inside_sqrt
# says: max abs error
import torch


def fold_bn_into_conv(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    # The mistake: eps left out.
    scale = gamma / torch.sqrt(running_var)
    if bias is None:
        bias = torch.zeros_like(running_mean)
    return weight * scale.view(-1, 1, 1, 1), (bias - running_mean) * scale + beta
