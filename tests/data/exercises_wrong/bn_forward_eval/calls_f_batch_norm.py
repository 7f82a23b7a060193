# expect: test_own_code
# says: uses `batch_norm`
import torch.nn.functional as F


def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    # The mistake (for this exercise): the library does the work that was asked for.
    return F.batch_norm(x, running_mean.clone(), running_var.clone(), gamma, beta, training=False, eps=eps)
