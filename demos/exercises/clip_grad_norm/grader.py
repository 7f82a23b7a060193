"""Grader: clipping against torch.nn.utils.clip_grad_norm_ on parameters with these gradients."""

import torch

from quizcli.exercise import kit

ENTRY = "clip_grad_norm"
FORBIDDEN = ("clip_grad_norm_", "clip_grad_value_", "get_total_norm",
             "clip_grads_with_norm_")   # the ops the exercise is about


def _grads(seed, scale):
    return [kit.randn(4, 3, seed=seed, scale=scale), kit.randn(3, seed=seed + 1, scale=scale),
            kit.randn(2, 2, 2, seed=seed + 2, scale=scale)]


def _torch(grads, max_norm):
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params], total


def _check(candidate, seed, scale, max_norm, part, pure=False):
    grads = _grads(seed, scale)
    inputs = f"3 gradients (4, 3), (3,), (2, 2, 2) seed {seed} scale {scale:g}, max_norm {max_norm:g}"
    args = ([g.clone() for g in grads], max_norm)
    if pure:
        before = [g.clone() for g in args[0]]
        got = candidate(*args)
        for i, (a, b) in enumerate(zip(args[0], before)):
            if not torch.equal(a, b):
                raise kit.fail(kit._("your function changed gradient {i} in place; return new tensors").format(i=i), inputs)
    else:
        got = candidate(*args)
    clipped, total = kit.as_tuple(got, 2, ("clipped_grads", "total_norm"), inputs)
    want, want_total = _torch(grads, max_norm)
    if part == "total":
        kit.assert_scalar(total, want_total.item(), atol=1e-5, rtol=1e-5, what="total_norm", inputs=inputs)
        return
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
        raise kit.fail(kit._("clipped_grads: expected a list of {n} tensors").format(n=len(grads)), inputs)
    for i, (c, w) in enumerate(zip(clipped, want)):
        kit.assert_close(c, w, atol=1e-6, rtol=1e-5, what=kit._("clipped gradient {i}").format(i=i), inputs=inputs)


def test_total_norm(candidate, reference):
    """total_norm: the L2 norm of all gradients' elements together, before clipping."""
    _check(candidate, 0, 2.0, 1.0, "total")


def test_clips_with_one_factor(candidate, reference):
    """Above max_norm: every gradient scaled by the same max_norm / total_norm."""
    _check(candidate, 1, 2.0, 1.0, "grads")


def test_below_max_untouched(candidate, reference):
    """Below max_norm: the gradients unchanged (no scaling up)."""
    _check(candidate, 2, 0.05, 5.0, "grads")


def test_no_inplace(candidate, reference):
    """The input gradients are left as they were."""
    _check(candidate, 3, 2.0, 1.0, "grads", pure=True)
