"""Grader: one power-iteration step against PyTorch's spectral norm (torch.nn.utils.spectral_norm)."""

import torch
import torch.nn.functional as F

from quizcli.exercise import kit

ENTRY = "power_iteration_step"
FORBIDDEN = ("svd", "svdvals", "matrix_norm", "spectral_norm")   # the ops the exercise is about


def _case(out_f, in_f, seed):
    w = kit.randn(out_f, in_f, seed=seed)
    u = F.normalize(kit.randn(out_f, seed=seed + 1), dim=0)
    return w, u


def _torch_step(w, u, eps=1e-12):
    """PyTorch's own step: torch.nn.utils.spectral_norm (Miyato's order: v from u, then u from v),
    with our u put in, run once in train mode.

    (torch.nn.utils.parametrizations.spectral_norm keeps v instead and updates u first.)
    """
    layer = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
    with torch.no_grad():
        layer.weight.copy_(w)
    torch.nn.utils.spectral_norm(layer, n_power_iterations=1, eps=eps)
    with torch.no_grad():
        layer.weight_u.copy_(u)
    layer.train()
    layer(torch.zeros(1, w.shape[1]))            # the forward pre-hook does the power iteration
    w_sn = layer.weight.detach()
    sigma = (w.abs().sum() / w_sn.abs().sum()).item()
    return sigma, layer.weight_u.detach().clone(), layer.weight_v.detach().clone()


def _call(candidate, w, u, inputs):
    got = candidate(w.clone(), u.clone())
    sigma, u_new, v_new = kit.as_tuple(got, 3, ("sigma", "u_new", "v_new"), inputs)
    return sigma, u_new, v_new


def test_one_step_sigma(candidate, reference):
    """sigma after one step from the given u (not from a fresh random u), as PyTorch computes it."""
    for shape, seed in (((6, 4), 0), ((3, 8), 1)):
        w, u = _case(*shape, seed)
        inputs = f"weight {shape} seed {seed}, u from seed {seed + 1}"
        sigma, _, _ = _call(candidate, w, u, inputs)
        kit.assert_scalar(sigma, _torch_step(w, u)[0], atol=1e-5, rtol=1e-5, what="sigma", inputs=inputs)


def test_returns_updated_u_v(candidate, reference):
    """u_new and v_new: the vectors after this step (v from W^T u, then u from W v), unit length."""
    w, u = _case(5, 7, 2)
    inputs = "weight (5, 7) seed 2, u from seed 3"
    _, u_new, v_new = _call(candidate, w, u, inputs)
    _, u_want, v_want = _torch_step(w, u)
    kit.assert_close(v_new, v_want, atol=1e-5, rtol=1e-5, what="v_new", inputs=inputs)
    kit.assert_close(u_new, u_want, atol=1e-5, rtol=1e-5, what="u_new", inputs=inputs)


def test_converges_with_kept_u(candidate, reference):
    """Called again and again with the u it returned, sigma converges to the largest singular value."""
    w, u = _case(8, 6, 4)
    true_sigma = torch.linalg.matrix_norm(w.double(), ord=2).item()
    sigma = None
    for _ in range(60):
        sigma, u, _ = _call(candidate, w, u, "weight (8, 6) seed 4")
        u = u.detach()
    kit.assert_scalar(sigma, true_sigma, atol=1e-4, rtol=1e-3,
                      what=kit._("sigma after 60 steps, each from the u the step before returned (SVD's sigma_1 expected)"),
                      inputs="weight (8, 6) seed 4")


def test_gradient_u_v_constant(candidate, reference):
    """d sigma / d weight = u v^T: gradients flow to weight, not through u and v."""
    w, u = _case(4, 5, 5)
    inputs = "weight (4, 5) seed 5"
    wg = w.clone().requires_grad_(True)
    sigma, u_new, v_new = kit.as_tuple(candidate(wg, u.clone()), 3, ("sigma", "u_new", "v_new"), inputs)
    sigma = kit.assert_scalar_tensor(sigma, "sigma", inputs)
    g = kit.assert_grad_flows(sigma, wg, what="sigma", to="weight", inputs=inputs)
    _, u_want, v_want = _torch_step(w, u)
    kit.assert_close(g, torch.outer(u_want, v_want), atol=1e-5, rtol=1e-4,
                     what=kit._("d sigma / d weight (u v^T expected: u and v are constants)"), inputs=inputs)
