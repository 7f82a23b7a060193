# expect: test_value_vectors
# says: penalty: max abs error
import torch


def gradient_penalty(critic, real, fake, alpha):
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    # The mistake: one norm over the whole batch instead of one per sample.
    return (grad.norm(2) - 1) ** 2
