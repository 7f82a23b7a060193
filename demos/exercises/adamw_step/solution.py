"""Reference: decay the weights directly (lr * wd * param), then the Adam update on the raw gradient."""

import torch


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    param = param * (1 - lr * weight_decay)                  # decoupled: not through the moments
    m = b1 * exp_avg + (1 - b1) * grad
    v = b2 * exp_avg_sq + (1 - b2) * grad * grad
    m_hat = m / (1 - b1 ** step)
    v_hat = v / (1 - b2 ** step)
    return param - lr * m_hat / (torch.sqrt(v_hat) + eps), m, v
