# expect: test_output_4d
# says: must match the size
import torch


def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):
    # The mistake: (C,) vectors broadcast against the last axis (W), not the channel axis.
    # Right for an (N, C) input; for (N, C, H, W) the shapes do not even match.
    return (x - running_mean) / torch.sqrt(running_var + eps) * gamma + beta
