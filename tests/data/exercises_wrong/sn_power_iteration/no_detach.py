# expect: test_gradient_u_v_constant
# says: u and v are constants
import torch
import torch.nn.functional as F


def power_iteration_step(weight, u, eps=1e-12):
    # The mistake: u and v computed in the graph, so gradients flow through them too.
    v = F.normalize(weight.t() @ u, dim=0, eps=eps)
    u = F.normalize(weight @ v, dim=0, eps=eps)
    return torch.dot(u, weight @ v), u, v
