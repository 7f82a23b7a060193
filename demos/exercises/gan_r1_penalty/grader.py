"""Grader: R1 against a direct computation with torch.autograd.grad."""

import torch

from quizcli.exercise import kit

ENTRY = "r1_penalty"


def _disc(in_shape, seed, scale=1.0):
    torch.manual_seed(seed)
    d = 1
    for s in in_shape:
        d *= s
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(d, 12), torch.nn.Tanh(), torch.nn.Linear(12, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(scale)
    return net


def _want(disc, real, gamma):
    x = real.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(disc(x).sum(), x, create_graph=True)
    return gamma / 2 * (g ** 2).reshape(g.shape[0], -1).sum(1).mean()


def _check(candidate, shape, seed, gamma, scale=1.0):
    disc = _disc(shape[1:], seed, scale)
    real = kit.randn(*shape, seed=seed)
    inputs = f"real {tuple(shape)} seed {seed}, gamma {gamma:g}"
    got = kit.assert_scalar_tensor(candidate(disc, real.clone(), gamma), "penalty", inputs)
    kit.assert_close(got.detach(), _want(disc, real, gamma).detach(), atol=1e-6, rtol=1e-4, what="penalty",
                     inputs=inputs)


def test_value_vectors(candidate, reference):
    """(N, D) inputs: gamma / 2 times the mean over samples of the squared gradient norm."""
    _check(candidate, (8, 5), seed=0, gamma=10.0, scale=2.0)


def test_value_images(candidate, reference):
    """(N, C, H, W) inputs: the squared norm per sample over C, H, W, then the mean."""
    _check(candidate, (4, 2, 3, 3), seed=1, gamma=1.0, scale=2.0)


def test_gamma_scaling(candidate, reference):
    """The weight is gamma / 2, not gamma."""
    _check(candidate, (6, 4), seed=2, gamma=0.2)


def test_trains_the_discriminator(candidate, reference):
    """Gradients flow from the penalty to D's parameters (create_graph=True)."""
    disc = _disc((6,), 3, 2.0)
    real = kit.randn(4, 6, seed=3)
    inputs = "real (4, 6) seed 3, gamma 10"
    got = kit.assert_scalar_tensor(candidate(disc, real, 10.0), "penalty", inputs)
    w = disc[1].weight
    g = kit.assert_grad_flows(got, w, what="penalty", to=kit._("D's first weight"), inputs=inputs)
    (want,) = torch.autograd.grad(_want(disc, real, 10.0), [w])
    kit.assert_close(g, want, atol=1e-5, rtol=1e-4, what=kit._("d penalty / d D's weight"), inputs=inputs)


def test_no_inplace(candidate, reference):
    """`real` is left as it was (no requires_grad_ set on the caller's tensor either)."""
    disc = _disc((5,), 4)
    real = kit.randn(3, 5, seed=4)
    kit.call_pure(lambda r: candidate(disc, r, 1.0), real, names=("real",), inputs="real (3, 5) seed 4")
    if real.requires_grad:
        raise kit.fail(kit._("your function set requires_grad on the caller's `real`; detach a copy: "
                              "x = real.detach().requires_grad_(True)"), "real (3, 5) seed 4")
