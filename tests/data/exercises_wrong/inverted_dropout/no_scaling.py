# expect: test_expectation_preserved
# says: mean of the output
import torch


def dropout(x, p, training, generator):
    if not training:
        return x.clone()
    # The mistake: the kept elements are not scaled up, so the expected output shrinks by (1 - p).
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep
