# expect: test_gradient_u_v_constant
# says: gradient of sum
import torch
import torch.nn.functional as F


def spectral_normalize_conv(weight, u, eps=1e-12):
    w = weight.reshape(weight.shape[0], -1)
    # The mistake: u and v stay in the graph, so gradients flow through the power iteration.
    v = F.normalize(w.t() @ u, dim=0, eps=eps)
    u = F.normalize(w @ v, dim=0, eps=eps)
    return weight / torch.dot(u, w @ v), u.detach()
