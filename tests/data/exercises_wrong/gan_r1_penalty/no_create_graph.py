# expect: test_trains_the_discriminator
# says: no gradient reaches
import torch


def r1_penalty(discriminator, real, gamma):
    x = real.detach().requires_grad_(True)
    # The mistake: without create_graph the penalty cannot train D.
    (grad,) = torch.autograd.grad(discriminator(x).sum(), x)
    return gamma / 2 * grad.pow(2).reshape(grad.shape[0], -1).sum(dim=1).mean()
