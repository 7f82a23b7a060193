"""A learning-rate schedule: linear warm-up, then cosine decay.

Implement `lr_at` with the math module only.
"""


def lr_at(step: int, total_steps: int, warmup_steps: int, base_lr: float, min_lr: float = 0.0) -> float:
    """The learning rate at `step` (0-based) of a run of `total_steps` steps.

    Warm-up: for step < warmup_steps, lr rises linearly, base_lr * (step + 1) / warmup_steps
    (so the first step is not wasted at lr 0 and the last warm-up step reaches base_lr).
    Then cosine decay from base_lr at step = warmup_steps down to min_lr at step = total_steps:
    with progress = (step - warmup_steps) / (total_steps - warmup_steps),
    lr = min_lr + (base_lr - min_lr) * (1 + cos(pi * progress)) / 2.
    Steps at or past total_steps give min_lr. warmup_steps may be 0. Returns a float.
    """
    raise NotImplementedError
