"""Grader: one-sided label smoothing, checked on each side and at the optimum of D."""

import torch
import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "d_loss_one_sided"


def _want(real, fake, smooth):
    return (F.binary_cross_entropy_with_logits(real, torch.full_like(real, smooth))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def _check(candidate, real, fake, smooth, inputs):
    got = kit.assert_scalar_tensor(candidate(real.clone(), fake.clone(), smooth), "loss", inputs)
    kit.assert_close(got.detach(), _want(real, fake, smooth), atol=1e-5, rtol=1e-5, what="loss", inputs=inputs)


def test_value(candidate, reference):
    """BCE against `smooth` on the reals plus BCE against 0 on the fakes."""
    _check(candidate, kit.randn(16, seed=0, scale=2), kit.randn(16, seed=1, scale=2), 0.9, "logits (16,) seeds 0, 1")


def test_fake_targets_stay_zero(candidate, reference):
    """Only the real side is smoothed: fakes scored -6 (D sure they are fake) cost almost nothing."""
    real = torch.zeros(4)
    fake = torch.full((4,), -6.0)
    _check(candidate, real, fake, 0.8, "d_real zeros, d_fake all -6, smooth 0.8")


def test_smooth_argument(candidate, reference):
    """The real target is the `smooth` argument (0.7 here), not a constant."""
    _check(candidate, kit.randn(8, seed=2), kit.randn(8, seed=3), 0.7, "logits (8,) seeds 2, 3, smooth 0.7")


def test_optimum_is_smooth(candidate, reference):
    """On the real side the loss is lowest where sigmoid(logit) = smooth, not at sigmoid(logit) = 1."""
    smooth = 0.9
    best = torch.logit(torch.tensor(smooth))
    fake = torch.full((1,), -20.0)
    inputs = f"one real sample, smooth {smooth}"
    losses = []
    for logit in (best - 0.5, best, best + 0.5, torch.tensor(8.0)):
        losses.append(kit.assert_scalar_tensor(candidate(logit.reshape(1).clone(), fake.clone(), smooth),
                                               "loss", inputs).item())
    if not (losses[1] < losses[0] and losses[1] < losses[2] and losses[1] < losses[3]):
        raise kit.fail(kit._("the loss over the real logit is not lowest at logit(smooth) = {best}: losses at logit "
                               "-0.5, 0, +0.5 from it and at 8: {losses}").format(
                                 best=f"{best.item():.3f}", losses=[round(v, 4) for v in losses]), inputs)
    kit.assert_finite(candidate(torch.tensor([100.0, -100.0]), torch.tensor([100.0, -100.0]), smooth),
                      "loss", "logits [100, -100] on both sides")
