"""Reference: a conv weight is the matrix (C_out, C_in * kh * kw); SN divides by its sigma_1."""

import torch
import torch.nn.functional as F


def spectral_normalize_conv(weight, u, eps=1e-12):
    w = weight.reshape(weight.shape[0], -1)         # one row per output channel
    with torch.no_grad():
        v = F.normalize(w.t() @ u, dim=0, eps=eps)
        u = F.normalize(w @ v, dim=0, eps=eps)
    sigma = torch.dot(u, w @ v)
    return weight / sigma, u
