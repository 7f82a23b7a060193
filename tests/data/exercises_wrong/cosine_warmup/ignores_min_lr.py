# expect: test_min_lr
# says: expected
import math


def lr_at(step, total_steps, warmup_steps, base_lr, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    t = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    # The mistake: min_lr ignored: the decay goes to 0.
    return base_lr * (1 + math.cos(math.pi * t)) / 2
