# expect: test_own_code
# says: uses `group_norm`
import torch.nn.functional as F


def instance_norm(x, eps=1e-5):
    # The mistake (for this exercise): IN as GroupNorm with one channel per group, from the library.
    return F.group_norm(x, x.shape[1], eps=eps)
