"""The checks of a `code` question's own keys (code exercises, #18).

`exercise:` names a folder of the bank's demos/exercises/ ([a-z][a-z0-9_]*);
`hints:` is a list of 1-5 bilingual texts, the most general first. That the
exercise's files exist is checked with the other banks
(quizcli.bank.library), where the bank's folder is known.
"""

from __future__ import annotations

import re
from typing import Any, Callable

EXERCISE_NAME = re.compile(r"[a-z][a-z0-9_]*")
MIN_HINTS, MAX_HINTS = 1, 5


def check_code(checker: Any, raw: dict, path: tuple, q: dict, kind: Callable[[Any], str]) -> None:
    """Fill q["exercise"] and q["hints"], reporting problems through the checker (validate._Checker);
    `kind` describes a value in words (validate.kind)."""
    q.update(exercise=None, hints=())
    if "exercise" in raw:
        q["exercise"] = checker.string(raw["exercise"], path + ("exercise",), "the exercise name", EXERCISE_NAME,
                                       "[a-z][a-z0-9_]*")
    if "hints" not in raw:
        return
    items = raw["hints"]
    if not isinstance(items, list):
        checker.issue(path + ("hints",), f"hints must be a list, not {kind(items)}",
                      "write each hint as a `- {en: ..., zh: ...}` item, the most general first")
        q["hints"] = None
    elif not MIN_HINTS <= len(items) <= MAX_HINTS:
        checker.issue(path + ("hints",), f"a code question needs {MIN_HINTS} to {MAX_HINTS} hints, not {len(items)}",
                      "give 2-3 hints, each more specific than the one before")
        q["hints"] = None
    else:
        hints = [checker.text(h, path + ("hints", i), "the hint") for i, h in enumerate(items)]
        q["hints"] = None if any(h is None for h in hints) else tuple(hints)


def exercise_problem(name: str, bank_source: Any, builtin: bool) -> tuple[str, str] | None:
    """(what is wrong, what to do) when the exercise's files are not all there, else None."""
    from quizcli.exercise import folders

    files = folders.locate(name, bank_source, builtin)
    gone = folders.missing(files)
    if not gone:
        return None
    return (f"exercise `{name}` has no {', '.join(gone)} in {files.folder}",
            "write the exercise's files there (see demos/exercises/README.md), or fix the name")
