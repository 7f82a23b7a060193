"""What was measured of each built-in demo (demos/timings.json, written by
bench/demo_timings.py): how long `quizcli explain` takes to run it, and how
many plots it draws. Standard library only; read when a demo is about to run.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from quizcli.i18n import _

LONG_S = 5.0      # a demo longer than this is announced with its usual time


class Measured(NamedTuple):
    seconds: float
    plots: int


def _table() -> dict[str, Measured]:
    from quizcli import paths

    return _read(paths.builtin_demos_dir() / "timings.json")


@lru_cache(maxsize=4)
def _read(path: Path) -> dict[str, Measured]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: Measured(float(v["seconds"]), int(v["plots"])) for k, v in data["demos"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def measured(demo_id: str) -> Measured | None:
    """The measurement of a built-in demo; None for one not measured (a user's)."""
    return _table().get(demo_id)


def usual_time_note(demo_id: str) -> str | None:
    """ "usually takes about 12 s" for a demo measured at more than LONG_S."""
    m = measured(demo_id)
    if m is None or m.seconds <= LONG_S:
        return None
    return _("usually takes about {seconds} s").format(seconds=f"{m.seconds:.0f}")
