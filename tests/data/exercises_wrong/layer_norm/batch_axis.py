# expect: test_tokens
# says: y: max abs error
import torch


def layer_norm(x, normalized_shape, weight, bias, eps=1e-5):
    # The mistake: statistics over the batch axis, BatchNorm-style.
    mean = x.mean(dim=0, keepdim=True)
    var = x.var(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
