"""Grader: steps of the candidate's AdamW against torch.optim.AdamW."""

import torch

from quizcli.exercise import kit

ENTRY = "adamw_step"
FORBIDDEN = ("optim", "AdamW", "Adam")   # the ops the exercise is about


def _run(candidate, steps, seed, lr=1e-2, wd=0.1, betas=(0.9, 0.999), eps=1e-8, grad_scale=1.0):
    p0 = kit.randn(5, 3, seed=seed, scale=2)
    grads = [kit.randn(5, 3, seed=seed + 10 + i, scale=grad_scale) for i in range(steps)]
    ref = p0.clone().requires_grad_(True)
    opt = torch.optim.AdamW([ref], lr=lr, betas=betas, eps=eps, weight_decay=wd)
    p, m, v = p0.clone(), torch.zeros_like(p0), torch.zeros_like(p0)
    inputs = f"param (5, 3) seed {seed}, {steps} step(s), lr {lr:g}, weight_decay {wd:g}"
    for i, g in enumerate(grads):
        ref.grad = g.clone()
        opt.step()
        got = kit.as_tuple(candidate(p, g.clone(), m, v, i + 1, lr, betas, eps, wd), 3,
                           ("new_param", "new_exp_avg", "new_exp_avg_sq"), inputs)
        p, m, v = got
        state = opt.state[ref]
        kit.assert_close(m, state["exp_avg"], atol=1e-6, rtol=1e-5, what=kit._("{name} after step {n}").format(name="new_exp_avg", n=i + 1),
                         inputs=inputs)
        kit.assert_close(v, state["exp_avg_sq"], atol=1e-8, rtol=1e-5, what=kit._("{name} after step {n}").format(name="new_exp_avg_sq", n=i + 1),
                         inputs=inputs)
        kit.assert_close(p, ref.detach(), atol=1e-6, rtol=1e-5, what=kit._("{name} after step {n}").format(name="new_param", n=i + 1), inputs=inputs)


def test_first_step(candidate, reference):
    """Step 1 from zero moments: the bias correction makes the first update about lr * sign(grad)."""
    _run(candidate, 1, seed=0, wd=0.0)


def test_decoupled_weight_decay(candidate, reference):
    """weight_decay shrinks the parameter by lr * wd * param, outside the moments (not L2 in the gradient)."""
    _run(candidate, 3, seed=1, wd=0.5)


def test_many_steps(candidate, reference):
    """Ten steps: the moments' running averages and the bias corrections at every step."""
    _run(candidate, 10, seed=2, lr=3e-3, wd=0.05)


def test_eps_outside_sqrt(candidate, reference):
    """Tiny gradients: eps is added to sqrt(v_hat), not inside it."""
    _run(candidate, 2, seed=3, wd=0.0, eps=1e-3, grad_scale=1e-4)


def test_no_inplace(candidate, reference):
    """The inputs are left as they were; new tensors are returned."""
    args = [kit.randn(4, seed=4), kit.randn(4, seed=5), kit.randn(4, seed=6, scale=0.1),
            kit.rand(4, seed=7, low=0.01, high=0.1)]
    kit.call_pure(candidate, *args, 3, 1e-2, (0.9, 0.999), 1e-8, 0.1,
                  names=("param", "grad", "exp_avg", "exp_avg_sq"), inputs="tensors (4,) seeds 4-7, step 3")
