# expect: test_tokens
# says: max abs error
import torch


def layer_norm(x, normalized_shape, weight, bias, eps=1e-5):
    dims = tuple(range(x.dim() - len(normalized_shape), x.dim()))
    # The mistake: the affine applied before normalizing (the normalization then undoes most of it).
    x = x * weight + bias
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
