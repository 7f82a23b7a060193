"""Grader: the schedule at the steps where mistakes show (the first, the ends of warm-up, the middle, the end)."""

import math

from quizcli.exercise import kit

ENTRY = "lr_at"
FORBIDDEN = ("lr_scheduler", "CosineAnnealingLR")   # the ops the exercise is about


def _want(step, total, warm, base, low):
    if step < warm:
        return base * (step + 1) / warm
    if step >= total:
        return low
    t = (step - warm) / (total - warm)
    return low + (base - low) * (1 + math.cos(math.pi * t)) / 2


def _check(candidate, steps, total, warm, base, low):
    for s in steps:
        inputs = f"step {s}, total_steps {total}, warmup_steps {warm}, base_lr {base:g}, min_lr {low:g}"
        kit.assert_scalar(candidate(s, total, warm, base, low), _want(s, total, warm, base, low), atol=1e-12,
                          rtol=1e-9, what=kit._("lr at step {s}").format(s=s), inputs=inputs)


def test_warmup(candidate, reference):
    """Warm-up is linear: base_lr * (step + 1) / warmup_steps; step 0 is not 0."""
    _check(candidate, [0, 1, 4, 9], 100, 10, 0.1, 0.0)


def test_cosine_start_middle_end(candidate, reference):
    """Cosine from base_lr right after warm-up, half-way at the middle of the decay, min_lr at the end."""
    _check(candidate, [10, 55, 99, 100], 100, 10, 0.1, 0.0)


def test_min_lr(candidate, reference):
    """The cosine decays toward min_lr, not toward 0."""
    _check(candidate, [20, 60, 100, 150], 100, 20, 1.0, 0.1)


def test_no_warmup(candidate, reference):
    """warmup_steps = 0: pure cosine, base_lr at step 0."""
    _check(candidate, [0, 25, 50], 50, 0, 3e-4, 1e-5)
