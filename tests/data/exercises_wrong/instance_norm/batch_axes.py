# expect: test_per_sample_per_channel
# says: y: max abs error
import torch


def instance_norm(x, eps=1e-5):
    # The mistake: statistics over N, H, W: that is BatchNorm.
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    var = x.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
