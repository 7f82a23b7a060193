# expect: test_p_edge_cases
# says: NaN
import torch


def dropout(x, p, training, generator):
    if not training:
        return x.clone()
    keep = torch.rand(x.shape, generator=generator) >= p
    # The mistake: no special case for p = 1: 0 / 0.
    return x * keep / (1 - p)
