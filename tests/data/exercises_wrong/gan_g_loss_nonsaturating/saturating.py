# expect: test_strong_gradient_when_d_rejects
# says: d loss / d logits
import torch


def g_loss_nonsaturating(d_fake_logits):
    # The mistake: the saturating minimax loss, E[log(1 - D(G(z)))], whose gradient vanishes when D rejects.
    return torch.log1p(-torch.sigmoid(d_fake_logits)).mean()
