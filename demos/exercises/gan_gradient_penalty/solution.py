"""Reference: the penalty on interpolates, differentiable in the critic's parameters."""

import torch


def gradient_penalty(critic, real, fake, alpha):
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)   # create_graph: the penalty trains D
    norms = grad.reshape(grad.shape[0], -1).norm(2, dim=1)                   # one norm per sample
    return ((norms - 1) ** 2).mean()
