# expect: test_column_logits
# says: scalar
import torch.nn.functional as F


def g_loss_nonsaturating(d_fake_logits):
    # The mistake: the mean over the batch axis only: an (N, 1) input gives a (1,) tensor, not a scalar.
    return F.softplus(-d_fake_logits).mean(0)
