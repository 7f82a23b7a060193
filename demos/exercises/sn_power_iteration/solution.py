"""Reference: Miyato et al. 2018, Algorithm 1, as PyTorch implements it."""

import torch
import torch.nn.functional as F


def power_iteration_step(weight, u, eps=1e-12):
    with torch.no_grad():                      # u and v are estimates, not part of the graph
        v = F.normalize(weight.t() @ u, dim=0, eps=eps)
        u = F.normalize(weight @ v, dim=0, eps=eps)
    sigma = torch.dot(u, weight @ v)           # gradients flow to weight only
    return sigma, u, v
