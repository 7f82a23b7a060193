# expect: test_value
# says: expected
import torch.nn.functional as F


def g_loss_nonsaturating(d_fake_logits):
    # The mistake: the sum over the batch, not the mean.
    return F.softplus(-d_fake_logits).sum()
