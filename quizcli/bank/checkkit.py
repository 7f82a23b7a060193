"""What the bank checks share: the path of a field, the keys a mapping allows, and
how values and near misses are named in messages. Used by quizcli.bank.validate
and quizcli.bank.open_checks (which validate imports: no cycle).
"""

from __future__ import annotations

import re
from typing import Any

LANGS = ("en", "zh")
QUESTION_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*")

Path_ = tuple


class Spec(dict):
    """The keys allowed in a mapping, each with whether it is required."""

    def __init__(self, keys: dict[str, bool]):
        super().__init__(keys)
        self.required = frozenset(k for k, req in keys.items() if req)


def _filled(value: Any) -> bool:
    """Non-empty text, without copying it (str.strip would)."""
    return type(value) is str and value != "" and not value.isspace()


def kind(value: Any) -> str:
    """What a value is, in words, for messages (never its whole repr)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        try:
            text = repr(value)
        except ValueError:   # an int too long to print
            return "a number with thousands of digits"
        return f"the number {text if len(text) <= 40 else text[:37] + '...'}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {short!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def closest(word: str, known: list[str] | tuple[str, ...]) -> str | None:
    import difflib   # only when there is a problem to suggest a fix for

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(key: Any, known: list[str] | tuple[str, ...]) -> str:
    close = closest(str(key), known)
    return f"did you mean `{close}`?" if close else f"the keys allowed here are {', '.join(known)}"
