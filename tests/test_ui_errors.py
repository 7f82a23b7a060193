"""How errors are printed (quizcli/ui/errors.py)."""

from __future__ import annotations

import io

from rich.console import Console

from quizcli.errors import BankError, Problem, QuizcliError
from quizcli.ui.errors import print_error


def _printed(err: QuizcliError, width: int = 40) -> list[str]:
    out = io.StringIO()
    print_error(err, Console(file=out, width=width, no_color=True, highlight=False))
    return out.getvalue().splitlines()


def test_wrapped_lines_keep_their_indent():
    lines = _printed(QuizcliError("a message long enough to wrap at forty columns",
                                  hint="a hint that is long enough to wrap at forty columns, twice over"))
    hint = next(i for i, line in enumerate(lines) if line.startswith("hint: "))
    assert lines[0].startswith("error: ") and lines[1].startswith(" " * 7) and lines[1].strip()
    assert len(lines) - hint >= 2
    assert all(line.startswith(" " * 6) and line.strip() for line in lines[hint + 1:])
    assert all(len(line) <= 40 and line == line.rstrip() for line in lines)
    words = " ".join(line.strip() for line in lines[hint:])
    assert words == "hint: a hint that is long enough to wrap at forty columns, twice over"


def test_bank_problems_stay_indented_when_they_wrap():
    problem = Problem("bank.yaml", 3, 5, "questions[0].prompt", "the prompt is empty", "write the text")
    lines = _printed(BankError([problem]))
    body = lines[1:lines.index(next(line for line in lines if line.startswith("hint: ")))]
    assert len(body) >= 2 and all(line.startswith("  ") and not line.startswith("   ") for line in body)
    assert " ".join(line.strip() for line in body) == str(problem)


def test_markup_in_messages_is_literal():
    assert _printed(QuizcliError("no bank [red]x[/red]"), width=80) == ["error: no bank [red]x[/red]"]
