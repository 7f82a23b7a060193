# expect: test_d_loss
# says: max abs error
import torch.nn.functional as F


def hinge_losses(d_real, d_fake):
    # The mistake: margins at 0, not at 1.
    d_loss = F.relu(-d_real).mean() + F.relu(d_fake).mean()
    return d_loss, -d_fake.mean()
