# expect: test_output_2d
# says: batch_norm
# Calls the library op and swallows what goes wrong, then falls back on a wrong answer: still fails, and says why.
import torch


def batchnorm_train(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5):
    op = getattr(torch, "batch_" + "norm")
    try:
        op(x, gamma, beta, running_mean.clone(), running_var.clone(), True, momentum, eps, False)
    except Exception:
        pass
    return x.clone(), running_mean.clone(), running_var.clone()
