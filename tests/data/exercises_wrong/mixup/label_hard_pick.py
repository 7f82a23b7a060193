# expect: test_labels
# says: max abs error
def mixup(x, y, lam, perm):
    # The mistake: the label of whichever example weighs more, instead of a mixed label.
    return lam * x + (1 - lam) * x[perm], (y if lam >= 0.5 else y[perm])
