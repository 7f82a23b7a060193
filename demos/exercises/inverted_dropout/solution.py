"""Reference: scale by 1 / (1 - p) in training, so that evaluation needs no scaling at all."""

import torch


def dropout(x, p, training, generator):
    if not training or p == 0:
        return x.clone()
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / (1 - p)
