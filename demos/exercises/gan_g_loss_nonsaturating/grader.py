"""Grader: the non-saturating G loss against BCE-with-logits with target 1."""

import torch
import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "g_loss_nonsaturating"


def _want(logits):
    return F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))


def test_value(candidate, reference):
    """The mean of -log(sigmoid(logit)) over the batch."""
    logits = kit.randn(16, seed=0, scale=2.0)
    got = kit.assert_scalar_tensor(candidate(logits.clone()), "loss", "logits (16,) seed 0")
    kit.assert_close(got, _want(logits), atol=1e-5, rtol=1e-5, what="loss", inputs="logits (16,) seed 0")


def test_column_logits(candidate, reference):
    """Logits of shape (N, 1), as a discriminator with one output unit gives them."""
    logits = kit.randn(8, 1, seed=1, scale=2.0)
    got = kit.assert_scalar_tensor(candidate(logits.clone()), "loss", "logits (8, 1) seed 1")
    kit.assert_close(got, _want(logits), atol=1e-5, rtol=1e-5, what="loss", inputs="logits (8, 1) seed 1")


def test_extreme_logits(candidate, reference):
    """Logits of -100 and +100: finite, and the loss of a confidently rejected sample is about 100."""
    logits = torch.tensor([-100.0, -30.0, 0.0, 30.0, 100.0])
    inputs = "logits [-100, -30, 0, 30, 100]"
    got = kit.assert_scalar_tensor(candidate(logits.clone()), "loss", inputs)
    kit.assert_close(got, _want(logits), atol=1e-4, rtol=1e-5, what="loss", inputs=inputs)


def test_strong_gradient_when_d_rejects(candidate, reference):
    """Non-saturating: where D confidently rejects the fakes (logit -8), the gradient is still about -1/N."""
    logits = torch.full((4,), -8.0, requires_grad=True)
    inputs = "logits [-8, -8, -8, -8]"
    loss = kit.assert_scalar_tensor(candidate(logits), "loss", inputs)
    g = kit.assert_grad_flows(loss, logits, what="loss", to=kit._("the logits"), inputs=inputs)
    kit.assert_close(g, torch.full((4,), -torch.sigmoid(torch.tensor(8.0)).item() / 4), atol=1e-4, rtol=1e-3,
                     what="d loss / d logits", inputs=inputs)
