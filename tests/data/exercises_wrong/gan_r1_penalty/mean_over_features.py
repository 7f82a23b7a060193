# expect: test_value_images
# says: max abs error
import torch


def r1_penalty(discriminator, real, gamma):
    x = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(x).sum(), x, create_graph=True)
    # The mistake: the mean over every element, not the sum over a sample's features.
    return gamma / 2 * grad.pow(2).mean()
