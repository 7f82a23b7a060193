# expect: test_weight_3x3
# says: RuntimeError
import torch
import torch.nn.functional as F


def spectral_normalize_conv(weight, u, eps=1e-12):
    # The mistake: the matrix (C_out * C_in, kh * kw): one row per kernel, not per output channel.
    w = weight.reshape(-1, weight.shape[2] * weight.shape[3])
    with torch.no_grad():
        v = F.normalize(w.t() @ u, dim=0, eps=eps)
        u = F.normalize(w @ v, dim=0, eps=eps)
    return weight / torch.dot(u, w @ v), u
