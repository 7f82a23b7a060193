# expect: test_one_step_sigma
# says: sigma
import torch
import torch.nn.functional as F


def power_iteration_step(weight, u, eps=1e-12):
    # The mistake: a fresh random u every step; the kept u is ignored.
    u = F.normalize(torch.randn(weight.shape[0]), dim=0, eps=eps)
    with torch.no_grad():
        v = F.normalize(weight.t() @ u, dim=0, eps=eps)
        u = F.normalize(weight @ v, dim=0, eps=eps)
    return torch.dot(u, weight @ v), u, v
