# expect: test_value
# says: loss: max abs error
import torch
import torch.nn.functional as F


def g_loss_nonsaturating(d_fake_logits):
    # The mistake: the discriminator's target for fakes (0), not the generator's (1).
    return F.binary_cross_entropy_with_logits(d_fake_logits, torch.zeros_like(d_fake_logits))
