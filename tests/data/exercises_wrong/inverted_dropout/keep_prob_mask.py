# expect: test_training
# says: max abs error
import torch


def dropout(x, p, training, generator):
    if not training:
        return x.clone()
    # The mistake: p used as the keep probability.
    keep = torch.rand(x.shape, generator=generator) < p
    return x * keep / p
