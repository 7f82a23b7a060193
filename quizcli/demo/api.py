"""The demo contract: what a demo returns, as plain data.

Standard library only (no torch): the quiz process reads results that a
demo process sent back as JSON.

A demo is a file `demos/<id>.py` with a literal `META` dict and a function
`run(ctx: DemoContext) -> DemoResult`. See demos/README.md.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from quizcli.model import Verdict

OPS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}

# The verdict words shared with the banks' claims, plus the engine's own
# word for a run whose checks did not all pass.
VERDICTS = tuple(v.value for v in Verdict)
NOT_REPRODUCED = "not_reproduced"


# Text a reader sees (a check's name, a column, a cell, a title, an axis
# label): a plain string, or {"en": ..., "zh": ...}, shown in the interface's
# language. Built-in demos give every such text in both languages
# (tests/test_demos_contract.py checks it).
Label = Any   # str | dict[str, str]


@dataclass
class Check:
    """A named comparison of a measured value with a threshold.

    `name` says it in words, e.g. "final loss with BN < 0.5 x without BN"
    (or {"en": ..., "zh": ...}).
    The threshold may itself come from measurements. A threshold that is a
    factor times a measurement is given as both, so that it reads
    `0.2 < 0.5 x 0.61` rather than `0.2 < 0.305`:

        Check("BN < 0.5 x no BN", with_bn, "<", without_bn, factor=0.5)

    After construction `threshold` is always the bound itself (factor x the
    given value), and `base` the measurement it was made from.
    """

    name: Label
    value: float
    op: str
    threshold: float
    factor: float | None = None
    base: float | None = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown op {self.op!r}; use one of {sorted(OPS)}")
        self.value = float(self.value)
        if self.factor is not None and self.base is None:
            self.factor = float(self.factor)
            self.base = float(self.threshold)
            self.threshold = self.factor * self.base
        else:
            self.threshold = float(self.threshold)

    @property
    def margin(self) -> float:
        """How far the value is from the threshold, relative to it; > 0 when it passes.

        0.25 means the value could move 25% of the threshold's size before the
        check fails. For a threshold of 0 the value's own size is the scale (so a
        passing check has a margin of 1).
        """
        if math.isnan(self.value) or math.isnan(self.threshold):
            return float("nan")
        gap = self.value - self.threshold if self.op in (">", ">=") else self.threshold - self.value
        if gap == 0:
            return 0.0 if self.op in ("<=", ">=") else -0.0
        if math.isinf(gap):
            return math.copysign(float("inf"), gap)
        scale = abs(self.threshold) or abs(self.value)
        return gap / scale

    @property
    def passed(self) -> bool:
        if math.isnan(self.value) or math.isnan(self.threshold):
            return False
        return OPS[self.op](self.value, self.threshold)


@dataclass
class Table:
    columns: list[Label]
    rows: list[list[Any]]     # numbers, or short labels (str or {"en", "zh"})


@dataclass
class Curve:
    """One or more series over a shared x axis, e.g. loss per step."""

    title: Label
    x_label: Label
    y_label: Label
    x: list[float]
    series: dict[str, list[float]]   # name -> y values, same length as x (DemoResult.labels names them)
    log_y: bool = False


@dataclass
class Scatter:
    """Point clouds, e.g. GAN samples against the real modes."""

    title: Label
    series: dict[str, list[tuple[float, float]]]


@dataclass
class DemoResult:
    """What `run` returns. The engine adds the verdict from the checks.

    `settings` maps a short key to a number or a label; `labels` gives a key
    of `settings`, or a series' name in a curve or a scatter, its words in
    both languages ({"steps": {"en": "steps", "zh": "步数"}, "no BN":
    {"en": "no BN", "zh": "无 BN"}}); keys common to many demos (seed,
    treatment, steps, lr ...) are named in contract.COMMON_LABELS.
    """

    settings: dict[str, Any]
    table: Table
    checks: list[Check]
    # One or two sentences, in both languages, that explain the finding with
    # the numbers of this run (f-strings over the measurements).
    finding: dict[str, str]
    curves: list[Curve] = field(default_factory=list)
    scatters: list[Scatter] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def all_passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for c, raw in zip(self.checks, data["checks"]):
            raw["passed"] = c.passed
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DemoResult":
        return cls(
            settings=data["settings"],
            table=Table(**data["table"]),
            checks=[Check(name=c["name"], value=c["value"], op=c["op"], threshold=c["threshold"],
                          factor=c.get("factor"), base=c.get("base"))
                    for c in data["checks"]],
            finding=data["finding"],
            curves=[Curve(**c) for c in data.get("curves", [])],
            scatters=[Scatter(title=s["title"], series={k: [tuple(p) for p in v] for k, v in s["series"].items()})
                      for s in data.get("scatters", [])],
            labels=data.get("labels") or {},
        )


@dataclass
class DemoContext:
    """What a demo gets from the engine."""

    seed: int = 0
    device: str = "cpu"           # already resolved: "cpu", "cuda", "mps"
    # False removes the demo's treatment: both arms then run the control, and
    # at least one check must fail. Tests use it to show the checks can fail.
    treatment: bool = True
    progress: Callable[[float, str], None] = field(default=lambda done, message: None, repr=False)
