# expect: test_eps_inside_sqrt
# says: max abs error
import torch


def instance_norm(x, eps=1e-5):
    mean = x.mean(dim=(2, 3), keepdim=True)
    # The mistake: eps added to the standard deviation.
    std = x.var(dim=(2, 3), unbiased=False, keepdim=True).sqrt()
    return (x - mean) / (std + eps)
