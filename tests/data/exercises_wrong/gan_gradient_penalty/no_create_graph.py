# expect: test_trains_the_critic
# says: no gradient reaches
import torch


def gradient_penalty(critic, real, fake, alpha):
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    # The mistake: no create_graph, so the penalty is a constant for the critic's optimizer.
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)
    return ((grad.reshape(grad.shape[0], -1).norm(dim=1) - 1) ** 2).mean()
