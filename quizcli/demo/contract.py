"""What a demo run must return and how it can end: the statuses, the
devices, and the checks of a result. Standard library only; shared by the
caller (engine.py) and the demo's process (runner.py), so neither imports
the other.
"""

from __future__ import annotations

import math
from typing import Any

from quizcli.demo.api import DemoResult

# What a run can end as.
OK = "ok"
FAILED_CHECKS = "failed-checks"
ERROR = "error"
TIMEOUT = "timeout"
NAN = "nan"
MISSING_TORCH = "missing-torch"
INTERRUPTED = "interrupted"
STATUSES = (OK, FAILED_CHECKS, ERROR, TIMEOUT, NAN, MISSING_TORCH, INTERRUPTED)

DEVICES = ("auto", "cpu", "cuda", "mps")

INSTALL_HINT = "install the demos extra: pip install 'quizcli[demos]' (see the README, \"Quick start\")"
MISSING_TORCH_MESSAGE = f"PyTorch is not installed, so demos cannot run; {INSTALL_HINT}"


def _is_nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def nan_fields(result: DemoResult) -> list[str]:
    """Where a check or a table cell is NaN (curves may hold NaN: a diverged run)."""
    found = []
    for c in result.checks:
        if _is_nan(c.value) or _is_nan(c.threshold):
            found.append(f"check {c.name!r}")
    for i, row in enumerate(result.table.rows):
        for col, cell in zip(result.table.columns, row):
            if _is_nan(cell):
                found.append(f"table row {i + 1}, column {col!r}")
    return found


def result_problems(result: Any) -> list[str]:
    """What is wrong with a value that run() returned (empty: a valid result)."""
    if not isinstance(result, DemoResult):
        return [f"run() returned {type(result).__name__}, not a DemoResult"]
    problems = []
    if not result.checks:
        problems.append("it has no checks: a demo needs at least one check that can fail")
    if not isinstance(result.finding, dict) or not all(
        isinstance(result.finding.get(k), str) and result.finding[k].strip() for k in ("en", "zh")
    ):
        problems.append("finding needs non-empty en and zh strings")
    for what, text in [*(("check", c.name) for c in result.checks), *(("column", c) for c in result.table.columns)]:
        if isinstance(text, dict) and not all(isinstance(text.get(k), str) and text[k].strip() for k in ("en", "zh")):
            problems.append(f"a {what} given in both languages needs non-empty en and zh strings, not {text!r}")
    ncol = len(result.table.columns)
    for i, row in enumerate(result.table.rows):
        if len(row) != ncol:
            problems.append(f"table row {i + 1} has {len(row)} cells for {ncol} columns")
    for curve in result.curves:
        for name, ys in curve.series.items():
            if len(ys) != len(curve.x):
                problems.append(f"curve {curve.title!r}: series {name!r} has {len(ys)} points for {len(curve.x)} x values")
    return problems
