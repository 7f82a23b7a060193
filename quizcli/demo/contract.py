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


# The words of settings keys that many demos share; a demo names its other
# keys, and its series, in DemoResult.labels (which wins over these).
COMMON_LABELS: dict[str, dict[str, str]] = {
    "seed": {"en": "seed", "zh": "随机种子"},
    "treatment": {"en": "treatment", "zh": "处理"},
    "steps": {"en": "steps", "zh": "步数"},
    "lr": {"en": "lr", "zh": "学习率"},
    "batch": {"en": "batch", "zh": "批大小"},
    "width": {"en": "width", "zh": "宽度"},
    "depth": {"en": "depth", "zh": "深度"},
    "dim": {"en": "dim", "zh": "维度"},
    "G": {"en": "G", "zh": "生成器"},
    "D": {"en": "D", "zh": "判别器"},
    "data": {"en": "data", "zh": "数据"},
    "optimizer": {"en": "optimizer", "zh": "优化器"},
    "n_train": {"en": "n_train", "zh": "训练样本数"},
    "n_test": {"en": "n_test", "zh": "测试样本数"},
}

# A boolean setting's value in words.
BOOL_LABELS = {True: {"en": "True", "zh": "是"}, False: {"en": "False", "zh": "否"}}


def is_bilingual(text: Any) -> bool:
    """{"en": ..., "zh": ...} with both strings non-empty."""
    return isinstance(text, dict) and all(isinstance(text.get(k), str) and text[k].strip() for k in ("en", "zh"))


def label_for(key: str, labels: dict[str, Any] | None) -> Any:
    """A settings key's or a series name's words: the demo's own, else the common ones, else the key."""
    return (labels or {}).get(key) or COMMON_LABELS.get(key) or key


def _texts(result: DemoResult) -> list[tuple[str, Any]]:
    """(where, text) for every text a reader sees, except the finding."""
    found: list[tuple[str, Any]] = [("check", c.name) for c in result.checks]
    found += [("column", c) for c in result.table.columns]
    for i, row in enumerate(result.table.rows):
        found += [(f"table row {i + 1} cell", v) for v in row if isinstance(v, (str, dict))]
    for k, v in result.settings.items():
        if isinstance(v, str) or (isinstance(v, dict) and ("en" in v or "zh" in v)):   # not a dict of numbers
            found.append((f"setting {k!r}'s value", v))
    for kind, plots in (("curve", result.curves), ("scatter", result.scatters)):
        for plot in plots:
            found.append((f"{kind} title", plot.title))
            if kind == "curve":
                found += [("curve x label", plot.x_label), ("curve y label", plot.y_label)]
    return found


def _numberlike(text: str) -> bool:
    """A cell such as "-", "0.25", "3x", "12%", "n/a": no words to translate."""
    t = text.strip().replace("×", "").replace("%", "").replace("x", "")
    if t in ("", "-", "–", "n/a", "NaN", "inf", "-inf"):
        return True
    try:
        float(t)
    except ValueError:
        return False
    return True


def untranslated(result: DemoResult) -> list[str]:
    """Every text of a result a reader sees in one language only (built-in demos have none).

    Checks, columns, word cells, settings (keys and word values), curve and
    scatter titles, axis labels, and series names. A number, or a cell such as
    "-", needs no translation.
    """
    problems = [f"{where} {text!r}" for where, text in _texts(result)
                if not is_bilingual(text) and not (isinstance(text, str) and _numberlike(text))]
    for k in result.settings:
        if not is_bilingual(label_for(k, result.labels)):
            problems.append(f"settings key {k!r} (name it in DemoResult.labels)")
    for plot in [*result.curves, *result.scatters]:
        for name in plot.series:
            if not is_bilingual(label_for(name, result.labels)):
                problems.append(f"series {name!r} (name it in DemoResult.labels)")
    return problems


def _is_nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _en(text: Any) -> Any:
    return text.get("en", text) if isinstance(text, dict) else text


def nan_fields(result: DemoResult) -> list[str]:
    """Where a check or a table cell is NaN (curves may hold NaN: a diverged run)."""
    found = []
    for c in result.checks:
        if _is_nan(c.value) or _is_nan(c.threshold):
            found.append(f"check {_en(c.name)!r}")
    for i, row in enumerate(result.table.rows):
        for col, cell in zip(result.table.columns, row):
            if _is_nan(cell):
                found.append(f"table row {i + 1}, column {_en(col)!r}")
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
    for what, text in [*_texts(result), *(("label", v) for v in result.labels.values())]:
        if isinstance(text, dict) and not is_bilingual(text):
            problems.append(f"a {what} given in both languages needs non-empty en and zh strings, not {text!r}")
        elif what in ("check", "column", "label") and not isinstance(text, (str, dict)):
            problems.append(f"a {what} must be a string or {{\"en\": ..., \"zh\": ...}}, not {text!r}")
    ncol = len(result.table.columns)
    for i, row in enumerate(result.table.rows):
        if len(row) != ncol:
            problems.append(f"table row {i + 1} has {len(row)} cells for {ncol} columns")
    for curve in result.curves:
        for name, ys in curve.series.items():
            if len(ys) != len(curve.x):
                problems.append(f"curve {_en(curve.title)!r}: series {name!r} has {len(ys)} points for {len(curve.x)} x values")
    return problems
