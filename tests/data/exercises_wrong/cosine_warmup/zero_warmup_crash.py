# expect: test_no_warmup
# says: ZeroDivisionError
import math


def lr_at(step, total_steps, warmup_steps, base_lr, min_lr=0.0):
    # The mistake: the warm-up ratio computed first, for every step: warmup_steps = 0 divides by zero.
    ramp = (step + 1) / warmup_steps
    if ramp <= 1:
        return base_lr * ramp
    if step >= total_steps:
        return min_lr
    t = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * t)) / 2
