# expect: test_no_inplace
# says: requires_grad
import torch


def r1_penalty(discriminator, real, gamma):
    # The mistake: requires_grad switched on in the caller's tensor.
    real.requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(real).sum(), real, create_graph=True)
    return gamma / 2 * grad.pow(2).reshape(grad.shape[0], -1).sum(dim=1).mean()
