# expect: test_without_bias
# says: max abs error
import torch


def fold_bn_into_conv(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / torch.sqrt(running_var + eps)
    # The mistake: the running mean is only subtracted from an existing bias; with
    # bias=False the new bias is just beta.
    if bias is None:
        return weight * scale.view(-1, 1, 1, 1), beta.clone()
    return weight * scale.view(-1, 1, 1, 1), (bias - running_mean) * scale + beta
