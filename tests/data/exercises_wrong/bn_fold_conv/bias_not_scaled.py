# expect: test_square_with_bias
# says: max abs error
import torch


def fold_bn_into_conv(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / torch.sqrt(running_var + eps)
    if bias is None:
        bias = torch.zeros_like(running_mean)
    # The mistake: the conv's bias is added after the scaling instead of being scaled too.
    return weight * scale.view(-1, 1, 1, 1), bias - running_mean * scale + beta
