# expect: test_one_step_sigma
# says: RuntimeError
import torch
import torch.nn.functional as F


def power_iteration_step(weight, u, eps=1e-12):
    with torch.no_grad():
        # The mistake: v from W u (u lives in the output space: W^T u is needed).
        v = F.normalize(torch.mv(weight, u), dim=0, eps=eps)
        u = F.normalize(torch.mv(weight.t(), v), dim=0, eps=eps)
    return torch.dot(u, torch.mv(weight, v)), u, v
