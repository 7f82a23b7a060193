# expect: test_gamma_scaling
# says: penalty: max abs error
import torch


def r1_penalty(discriminator, real, gamma):
    x = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(x).sum(), x, create_graph=True)
    # The mistake: gamma, not gamma / 2.
    return gamma * grad.pow(2).reshape(grad.shape[0], -1).sum(dim=1).mean()
