# expect: test_eval_is_identity
# says: output
import torch


def dropout(x, p, training, generator):
    # The mistake: the original paper's form mixed with the inverted one: scaled in training AND at eval.
    if not training:
        return x * (1 - p)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / (1 - p)
