# expect: test_converges_with_kept_u
# says: sigma after 60 steps
import torch
import torch.nn.functional as F


def power_iteration_step(weight, u, eps=1e-12):
    with torch.no_grad():
        v = F.normalize(weight.t() @ u, dim=0, eps=eps)
        u_new = F.normalize(weight @ v, dim=0, eps=eps)
    # The mistake: the caller's u is handed back, so the iteration never advances.
    return torch.dot(u_new, weight @ v), u, v
