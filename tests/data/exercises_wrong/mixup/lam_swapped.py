# expect: test_inputs
# says: x_mixed: max abs error
def mixup(x, y, lam, perm):
    # The mistake: lam on the partner in the inputs, on the example in the labels.
    return (1 - lam) * x + lam * x[perm], lam * y + (1 - lam) * y[perm]
