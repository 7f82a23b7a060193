"""Pausing the cyclic garbage collector while large sets of small objects
are built. Standard library only."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building a library makes tens of thousands of small objects; the cyclic
    collector would walk all of them again and again while they are made (a
    third of a warm load of 10,000 questions). None of them form cycles worth
    collecting, so the collector waits until the build is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Around building large sets of objects (the bank index or library, the
    review queue, the stats rows): no cyclic garbage collection while its
    many small objects are made (each collection walks all of them
    again: about 40% of the load in bench/bench_review.py), then gc.freeze()
    moves them out of the collector's sight for good; they live as long as
    the command anyway."""
    try:
        with gc_paused():
            yield
    finally:
        gc.freeze()
