# expect: test_d_loss
# says: d_loss: max abs error
import torch.nn.functional as F


def hinge_losses(d_real, d_fake):
    # The mistake: fakes pushed above +1 like the reals: relu(1 - d_fake).
    d_loss = F.relu(1.0 - d_real).mean() + F.relu(1.0 - d_fake).mean()
    return d_loss, -d_fake.mean()
