"""Grader: spectral norm of a conv weight against torch.nn.utils.spectral_norm on a Conv2d."""

import torch
import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "spectral_normalize_conv"
FORBIDDEN = ("svd", "svdvals", "matrix_norm", "spectral_norm")   # the ops the exercise is about


def _case(shape, seed):
    w = kit.randn(*shape, seed=seed, scale=0.3)
    u = F.normalize(kit.randn(shape[0], seed=seed + 1), dim=0)
    return w, u


def _torch(w, u):
    conv = torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2:], bias=False)
    with torch.no_grad():
        conv.weight.copy_(w)
    torch.nn.utils.spectral_norm(conv, n_power_iterations=1)
    with torch.no_grad():
        conv.weight_u.copy_(u)
    conv.train()
    conv(torch.zeros(1, w.shape[1], w.shape[2], w.shape[3]))
    return conv.weight.detach().clone(), conv.weight_u.detach().clone()


def _check(candidate, shape, seed, part):
    w, u = _case(shape, seed)
    inputs = f"weight {tuple(shape)} seed {seed}, u from seed {seed + 1}"
    w_sn, u_new = kit.as_tuple(candidate(w.clone(), u.clone()), 2, ("weight_sn", "u_new"), inputs)
    want_w, want_u = _torch(w, u)
    if part == "w":
        kit.assert_close(w_sn, want_w, atol=1e-5, rtol=1e-4, what="weight_sn", inputs=inputs)
    else:
        kit.assert_close(u_new, want_u, atol=1e-5, rtol=1e-4, what="u_new", inputs=inputs)


def test_weight_3x3(candidate, reference):
    """A 3x3 conv, C_out != C_in: the weight divided by sigma of its (C_out, C_in*kh*kw) matrix."""
    _check(candidate, (6, 3, 3, 3), seed=0, part="w")


def test_weight_1x1(candidate, reference):
    """A 1x1 conv with more output than input channels."""
    _check(candidate, (8, 4, 1, 1), seed=1, part="w")


def test_u_new(candidate, reference):
    """u_new: the updated left vector, of length C_out."""
    _check(candidate, (5, 2, 3, 3), seed=2, part="u")


def test_converges_to_sigma_1(candidate, reference):
    """Steps that keep u: the normalized weight's matrix converges to spectral norm 1."""
    w, u = _case((6, 4, 3, 3), 3)
    w_sn = None
    for _ in range(60):
        w_sn, u = kit.as_tuple(candidate(w.clone(), u.clone()), 2, ("weight_sn", "u_new"), "weight (6, 4, 3, 3)")
        u = u.detach()
    kit.assert_tensor(w_sn, "weight_sn")
    got = torch.linalg.matrix_norm(w_sn.detach().reshape(6, -1).double(), ord=2).item()
    kit.assert_scalar(got, 1.0, atol=1e-3, rtol=0,
                      what=kit._("largest singular value of weight_sn reshaped to (C_out, C_in*kh*kw) after 60 steps"),
                      inputs="weight (6, 4, 3, 3) seed 3")


def test_gradient_u_v_constant(candidate, reference):
    """Gradients reach the weight, as through W / (u^T W v) with u and v constants."""
    w, u = _case((4, 3, 3, 3), 4)
    inputs = "weight (4, 3, 3, 3) seed 4"
    wg = w.clone().requires_grad_(True)
    w_sn, _ = kit.as_tuple(candidate(wg, u.clone()), 2, ("weight_sn", "u_new"), inputs)
    kit.assert_tensor(w_sn, "weight_sn", inputs)
    probe = kit.randn(*w.shape, seed=9)
    g = kit.assert_grad_flows((w_sn * probe).sum(), wg, what="weight_sn", to="weight", inputs=inputs)
    conv = torch.nn.Conv2d(3, 4, 3, bias=False)
    with torch.no_grad():
        conv.weight.copy_(w)
    torch.nn.utils.spectral_norm(conv, n_power_iterations=1)
    with torch.no_grad():
        conv.weight_u.copy_(u)
    conv.train()
    conv(torch.zeros(1, 3, 3, 3))
    want = torch.autograd.grad((conv.weight * probe).sum(), conv.weight_orig)[0]
    kit.assert_close(g, want, atol=1e-5, rtol=1e-4, what=kit._("gradient of sum(weight_sn * probe) by weight"),
                     inputs=inputs)
