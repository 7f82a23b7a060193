# expect: test_weight_3x3
# says: max abs error
import torch


def spectral_normalize_conv(weight, u, eps=1e-12):
    # The mistake: divided by the Frobenius norm, an upper bound of sigma_1, not sigma_1 itself.
    return weight / weight.norm(), u
