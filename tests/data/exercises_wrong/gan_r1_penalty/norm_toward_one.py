# expect: test_value_vectors
# says: max abs error
import torch


def r1_penalty(discriminator, real, gamma):
    x = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(x).sum(), x, create_graph=True)
    # The mistake: WGAN-GP's (||g|| - 1)^2 instead of R1's ||g||^2.
    return gamma / 2 * ((grad.reshape(grad.shape[0], -1).norm(dim=1) - 1) ** 2).mean()
