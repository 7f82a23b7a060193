# expect: test_small_gradients_are_penalized
# says: penalty
import torch


def gradient_penalty(critic, real, fake, alpha):
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    norms = grad.reshape(grad.shape[0], -1).norm(dim=1)
    # The mistake: only norms above 1 penalized (the one-sided variant, not WGAN-GP's).
    return (torch.relu(norms - 1) ** 2).mean()
