# expect: test_value_vectors
# says: max abs error
import torch


def gradient_penalty(critic, real, fake, alpha):
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    # The mistake: the squared norm, pushed toward 0 (an R1-style penalty), not the norm toward 1.
    return (grad.reshape(grad.shape[0], -1) ** 2).sum(dim=1).mean()
