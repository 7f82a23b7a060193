# expect: test_per_sample_per_channel
# says: y:
import torch


def instance_norm(x, eps=1e-5):
    # The mistake: statistics over C, H, W: that is LayerNorm.
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    var = x.var(dim=(1, 2, 3), unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
