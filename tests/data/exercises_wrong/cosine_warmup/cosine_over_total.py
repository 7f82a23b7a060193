# expect: test_cosine_start_middle_end
# says: expected
import math


def lr_at(step, total_steps, warmup_steps, base_lr, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    # The mistake: the cosine's progress over the whole run, not over the steps after warm-up.
    t = step / total_steps
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * t)) / 2
