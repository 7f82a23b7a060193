# expect: test_d_loss_beyond_the_margins
# says: d_loss
def hinge_losses(d_real, d_fake):
    # The mistake: no hinge at all: the linear (WGAN) critic loss, shifted.
    d_loss = (1.0 - d_real).mean() + (1.0 + d_fake).mean()
    return d_loss, -d_fake.mean()
