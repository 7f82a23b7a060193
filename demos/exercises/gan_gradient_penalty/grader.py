"""Grader: the gradient penalty against a direct computation with torch.autograd.grad."""

import torch

from quizcli.exercise import kit

ENTRY = "gradient_penalty"


def _critic(in_shape, seed, scale=1.0):
    torch.manual_seed(seed)
    d = 1
    for s in in_shape:
        d *= s
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(d, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(scale)
    return net


def _want(critic, real, fake, alpha, params=False):
    x = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    gp = ((g.reshape(g.shape[0], -1).norm(dim=1) - 1) ** 2).mean()
    if params:
        return torch.autograd.grad(gp, list(critic.parameters()), allow_unused=True)
    return gp.detach()


def _case(shape, seed):
    real = kit.randn(*shape, seed=seed)
    fake = kit.randn(*shape, seed=seed + 1, shift=0.5)
    alpha = kit.rand(shape[0], *([1] * (len(shape) - 1)), seed=seed + 2)
    return real, fake, alpha


def _check_value(candidate, shape, seed, scale=1.0):
    critic = _critic(shape[1:], seed, scale)
    real, fake, alpha = _case(shape, seed)
    inputs = f"real, fake {tuple(shape)} seeds {seed}, {seed + 1}; alpha seed {seed + 2}"
    gp = kit.assert_scalar_tensor(candidate(critic, real.clone(), fake.clone(), alpha.clone()), "penalty", inputs)
    kit.assert_close(gp.detach(), _want(critic, real, fake, alpha), atol=1e-5, rtol=1e-4, what="penalty",
                     inputs=inputs)


def test_value_vectors(candidate, reference):
    """(N, D) inputs: the mean over samples of (||grad||_2 - 1)^2."""
    _check_value(candidate, (8, 5), seed=0, scale=3.0)


def test_value_images(candidate, reference):
    """(N, C, H, W) inputs: one norm per sample, over C, H and W together."""
    _check_value(candidate, (4, 2, 3, 3), seed=1, scale=3.0)


def test_small_gradients_are_penalized(candidate, reference):
    """Two-sided: gradient norms below 1 are penalized too."""
    _check_value(candidate, (6, 4), seed=2, scale=0.1)


def test_trains_the_critic(candidate, reference):
    """Gradients flow from the penalty to the critic's parameters (create_graph=True)."""
    shape = (4, 6)
    critic = _critic(shape[1:], 3, 2.0)
    real, fake, alpha = _case(shape, 3)
    inputs = "real, fake (4, 6) seeds 3, 4"
    gp = kit.assert_scalar_tensor(candidate(critic, real, fake, alpha), "penalty", inputs)
    weight = critic[1].weight
    g = kit.assert_grad_flows(gp, weight, what="penalty", to=kit._("the critic's first weight"), inputs=inputs)
    want = _want(critic, real, fake, alpha, params=True)[0]
    kit.assert_close(g, want, atol=1e-5, rtol=1e-4, what="d penalty / d critic weight", inputs=inputs)
