# expect: test_own_code
# says: uses `svd`
import torch


def power_iteration_step(weight, u, eps=1e-12):
    # The mistake: an SVD every step, which power iteration exists to avoid (and not what one step gives).
    U, S, Vh = torch.linalg.svd(weight.detach())
    u_new, v_new = U[:, 0], Vh[0]
    return torch.dot(u_new, weight @ v_new), u_new, v_new
