# expect: test_output_2d
# says: batch_norm
# The library op under a name built at run time: test_own_code cannot read it, the call still fails.
import torch.nn.functional as F


def batchnorm_train(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5):
    op = getattr(F, "batch" + "_norm")
    rm, rv = running_mean.clone(), running_var.clone()
    y = op(x, rm, rv, gamma, beta, training=True, momentum=momentum, eps=eps)
    return y, rm, rv
