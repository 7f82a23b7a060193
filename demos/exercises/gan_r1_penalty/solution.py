"""Reference: the squared gradient norm on real data, pushed toward 0, scaled by gamma / 2."""

import torch


def r1_penalty(discriminator, real, gamma):
    x = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(x).sum(), x, create_graph=True)
    return gamma / 2 * grad.pow(2).reshape(grad.shape[0], -1).sum(dim=1).mean()
