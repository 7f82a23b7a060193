"""Grader: the hinge losses on scores on both sides of the margins."""

import torch
import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "hinge_losses"


def _want(real, fake):
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean(), -fake.mean()


def _check(candidate, real, fake, part, inputs):
    got = kit.as_tuple(candidate(real.clone(), fake.clone()), 2, ("d_loss", "g_loss"), inputs)
    name = ("d_loss", "g_loss")[part]
    value = kit.assert_scalar_tensor(got[part], name, inputs)
    kit.assert_close(value, _want(real, fake)[part], atol=1e-5, rtol=1e-5, what=name, inputs=inputs)


def test_d_loss(candidate, reference):
    """d_loss = mean(relu(1 - d_real)) + mean(relu(1 + d_fake))."""
    _check(candidate, kit.randn(16, seed=0, scale=2), kit.randn(16, seed=1, scale=2), 0, "scores (16,) seeds 0, 1")


def test_d_loss_beyond_the_margins(candidate, reference):
    """Scores past the margins (real > 1, fake < -1) cost D nothing: the hinge is flat there."""
    real = torch.tensor([1.5, 3.0, 0.5, 2.0])
    fake = torch.tensor([-2.0, -1.5, -0.5, 4.0])
    _check(candidate, real, fake, 0, "d_real [1.5, 3, 0.5, 2], d_fake [-2, -1.5, -0.5, 4]")


def test_g_loss(candidate, reference):
    """g_loss = -mean(d_fake): no hinge for the generator."""
    _check(candidate, kit.randn(8, seed=2), kit.randn(8, seed=3, scale=3, shift=-2), 1, "scores (8,) seeds 2, 3")


def test_g_loss_gradient_past_the_margin(candidate, reference):
    """Fakes already scored above +1 still give G a gradient of -1/N each: G's loss has no hinge."""
    fake = torch.tensor([2.0, 3.0, 1.5, 4.0], requires_grad=True)
    inputs = "d_fake [2, 3, 1.5, 4]"
    got = kit.as_tuple(candidate(torch.zeros(4), fake), 2, ("d_loss", "g_loss"), inputs)
    g_loss = kit.assert_scalar_tensor(got[1], "g_loss", inputs)
    g = kit.assert_grad_flows(g_loss, fake, what="g_loss", to="d_fake", inputs=inputs)
    kit.assert_close(g, torch.full((4,), -0.25), atol=1e-6, rtol=1e-6, what="d g_loss / d d_fake", inputs=inputs)
