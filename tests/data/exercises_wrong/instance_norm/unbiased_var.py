# expect: test_small_spatial
# says: max abs error
import torch


def instance_norm(x, eps=1e-5):
    mean = x.mean(dim=(2, 3), keepdim=True)
    # The mistake: the unbiased variance (torch.var's default).
    var = x.var(dim=(2, 3), keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
