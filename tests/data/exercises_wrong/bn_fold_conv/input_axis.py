# expect: test_output_channels
# says: must match the size
import torch


def fold_bn_into_conv(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / torch.sqrt(running_var + eps)
    if bias is None:
        bias = torch.zeros_like(running_mean)
    # The mistake: the scale along the input-channel axis (dim 1) instead of the output channels (dim 0).
    return weight * scale.view(1, -1, 1, 1), (bias - running_mean) * scale + beta
