# expect: test_image_chw
# says: max abs error
import torch


def layer_norm(x, normalized_shape, weight, bias, eps=1e-5):
    # The mistake: always the last axis, whatever normalized_shape says.
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
