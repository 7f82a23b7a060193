# expect: test_tokens
# says: max abs error
import torch


def layer_norm(x, normalized_shape, weight, bias, eps=1e-5):
    dims = tuple(range(x.dim() - len(normalized_shape), x.dim()))
    mean = x.mean(dim=dims, keepdim=True)
    # The mistake: torch.var's default is the unbiased variance.
    var = x.var(dim=dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
