"""Helpers for demo code. Imports torch: only used inside a demo's process."""

from __future__ import annotations

import random

import torch

from quizcli.demo.api import DemoContext


def setup(ctx: DemoContext) -> torch.device:
    """Seed everything, pin threads, make CPU runs deterministic; return the device."""
    random.seed(ctx.seed)
    torch.manual_seed(ctx.seed)
    try:
        import numpy as np

        np.random.seed(ctx.seed)
    except ImportError:  # numpy is optional for a demo
        pass
    # One thread: the same numbers on every machine, and `verify --jobs N`
    # runs N demos side by side without oversubscribing the cores.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return torch.device(ctx.device)


def generator(ctx: DemoContext, offset: int = 0) -> torch.Generator:
    """A CPU generator for data, independent of the model's initialisation."""
    g = torch.Generator()
    g.manual_seed(ctx.seed * 1000 + offset)
    return g
