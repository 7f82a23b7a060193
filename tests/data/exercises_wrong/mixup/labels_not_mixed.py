# expect: test_labels
# says: y_mixed
def mixup(x, y, lam, perm):
    # The mistake: the inputs mixed, the labels left as they were.
    return lam * x + (1 - lam) * x[perm], y
