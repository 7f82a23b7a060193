# expect: test_no_inplace
# says: in place
def mixup(x, y, lam, perm):
    # The mistake: the caller's batch overwritten.
    partner_x, partner_y = x[perm], y[perm]
    x.mul_(lam).add_((1 - lam) * partner_x)
    y.mul_(lam).add_((1 - lam) * partner_y)
    return x, y
