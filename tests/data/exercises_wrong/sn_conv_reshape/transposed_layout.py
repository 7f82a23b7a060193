# expect: test_weight_3x3
# says: weight_sn: max abs error
import torch
import torch.nn.functional as F


def spectral_normalize_conv(weight, u, eps=1e-12):
    # The mistake: the input channels first (the ConvTranspose2d layout, dim=1), and u kept for it.
    w = weight.transpose(0, 1).reshape(weight.shape[1], -1)
    with torch.no_grad():
        u_in = F.normalize(w @ (w.t() @ F.normalize(torch.ones(w.shape[0]), dim=0)), dim=0, eps=eps)
        v = F.normalize(w.t() @ u_in, dim=0, eps=eps)
        u_in = F.normalize(w @ v, dim=0, eps=eps)
    return weight / torch.dot(u_in, w @ v), u
