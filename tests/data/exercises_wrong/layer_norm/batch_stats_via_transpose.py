# expect: test_own_code
# says: instance_norm
# Layer norm through another library normalization op: still not written by hand.
import torch.nn.functional as F


def layer_norm(x, normalized_shape, weight, bias, eps=1e-5):
    lead = x.shape[: x.dim() - len(normalized_shape)]
    flat = x.reshape(1, -1, *normalized_shape) if len(normalized_shape) > 1 else x.reshape(1, -1, normalized_shape[0])
    y = F.instance_norm(flat, eps=eps).reshape(x.shape)
    return y * weight + bias
