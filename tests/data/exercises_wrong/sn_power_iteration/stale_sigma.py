# expect: test_one_step_sigma
# says: expected
import torch
import torch.nn.functional as F


def power_iteration_step(weight, u, eps=1e-12):
    with torch.no_grad():
        v = F.normalize(weight.t() @ u, dim=0, eps=eps)
        u_new = F.normalize(weight @ v, dim=0, eps=eps)
    # The mistake: sigma from the old u, before this step's update.
    return torch.dot(u, weight @ v), u_new, v
