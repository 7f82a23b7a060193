# expect: test_value_vectors
# says: max abs error
import torch


def gradient_penalty(critic, real, fake, alpha):
    # The mistake: the penalty on the real samples, not on the interpolates.
    x = real.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return ((grad.reshape(grad.shape[0], -1).norm(dim=1) - 1) ** 2).mean()
