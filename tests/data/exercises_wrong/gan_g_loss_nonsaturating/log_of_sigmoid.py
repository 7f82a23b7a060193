# expect: test_extreme_logits
# says: NaN or infinite
import torch


def g_loss_nonsaturating(d_fake_logits):
    # The mistake: log(sigmoid(l)) in two steps: sigmoid(-100) is 0 in float32, and log(0) is -inf.
    return -torch.log(torch.sigmoid(d_fake_logits)).mean()
