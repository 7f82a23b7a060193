"""A seed sweep: every demo over many seeds, summed up per demo.

Standard library only. `demos verify --seeds 0-19` runs each demo once per
seed (engine.run_many) and shows one row per demo: how many seeds passed and
the worst margin, i.e. how close the closest check came to its threshold,
relative to it (api.Check.margin). A margin of +12% means that check could
have been 12% worse and still passed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

from quizcli.demo.engine import OK, DemoOutcome

MAX_SEEDS = 1000
_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_seeds(text: str) -> list[int]:
    """'0-19', '0,3,7' or '0-4,10' -> the seeds, in order, each once; ValueError says what is wrong."""
    seeds: list[int] = []
    for part in text.split(","):
        m = _PART.match(part)
        if not m:
            raise ValueError(f"{part.strip()!r} is not a seed or a range such as 0-19")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if hi < lo:
            raise ValueError(f"the range {lo}-{hi} is empty (write the smaller seed first)")
        if hi - lo + 1 + len(seeds) > MAX_SEEDS:
            raise ValueError(f"more than {MAX_SEEDS} seeds")
        seeds.extend(s for s in range(lo, hi + 1) if s not in seeds)
    return seeds


@dataclass
class SweepRow:
    """One demo over all seeds of a sweep."""

    demo_id: str
    runs: int
    passed: int
    worst_margin: float | None     # None: no run produced checks
    worst_check: str               # the check with the worst margin
    worst_seed: int | None
    problems: list[str]            # "seed 3: timeout", one per run that ended without passing

    @property
    def ok(self) -> bool:
        return self.runs > 0 and self.passed == self.runs

    def to_dict(self) -> dict[str, Any]:
        margin = self.worst_margin
        return {"id": self.demo_id, "runs": self.runs, "passed": self.passed, "ok": self.ok,
                "worst_margin": None if margin is None or not math.isfinite(margin) else round(margin, 4),
                "worst_check": self.worst_check, "worst_seed": self.worst_seed, "problems": self.problems}


def summarize(outcomes: Sequence[DemoOutcome]) -> list[SweepRow]:
    """One row per demo, in the order the demos first appear."""
    rows: dict[str, SweepRow] = {}
    for o in outcomes:
        row = rows.setdefault(o.demo_id, SweepRow(o.demo_id, 0, 0, None, "", None, []))
        row.runs += 1
        row.passed += o.status == OK
        if o.status != OK:
            row.problems.append(f"seed {o.seed}: {o.status}" + (f" ({o.message})" if o.message else ""))
        if o.result is None:
            continue
        for check in o.result.checks:
            m = check.margin
            if math.isnan(m):
                m = -math.inf
            if row.worst_margin is None or m < row.worst_margin:
                name = check.name.get("en", "") if isinstance(check.name, dict) else check.name
                row.worst_margin, row.worst_check, row.worst_seed = m, name, o.seed
    return list(rows.values())


def fmt_seeds(seeds: Sequence[int]) -> str:
    """[0, 1, 2, 3, 7, 12345] -> '0-3, 7, 12345' (in the order given)."""
    parts: list[str] = []
    i = 0
    while i < len(seeds):
        j = i
        while j + 1 < len(seeds) and seeds[j + 1] == seeds[j] + 1:
            j += 1
        parts.append(str(seeds[i]) if j == i else f"{seeds[i]}-{seeds[j]}")
        i = j + 1
    return ", ".join(parts)


def fmt_margin(margin: float | None) -> str:
    """+12%, -3%; '-' when unknown."""
    if margin is None:
        return "-"
    if math.isinf(margin):
        return "+inf" if margin > 0 else "-inf"
    pct = margin * 100
    return f"{pct:+.0f}%" if abs(pct) >= 10 else f"{pct:+.1f}%"
