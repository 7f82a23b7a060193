"""How bank problems (validate, lint) look.

Every string here may come from a bank file (keys, values, paths), so each is
shown through `safe` in a `rich.text.Text`: never parsed as markup, never
sent to the terminal as control characters.
"""

from __future__ import annotations

from typing import Any, Iterable

from rich.console import Console
from rich.text import Text

from quizcli.errors import Problem
from quizcli.ui.text import safe


def render_problem(p: Problem, label: str = "error", style: str = "bold red") -> Text:
    line = Text(safe(p.location()), style="bold") + Text(": ")
    line += Text(label, style=style) + Text(": ")
    if p.field:
        line += Text(safe(p.field), style="cyan") + Text(": ")
    line += Text(safe(p.message))
    if p.hint:
        line += Text("\n  = help: ", style="dim") + Text(safe(p.hint))
    return line


def print_problems(console: Console, problems: Iterable[Problem], label: str = "error",
                   style: str = "bold red") -> None:
    for p in problems:
        console.print(render_problem(p, label, style), soft_wrap=True)


def summary(problems: list[Problem], files: int, banks: int, questions: int, noun: str = "problem") -> Text:
    checked = f"{files} file{'s' if files != 1 else ''}, {banks} bank{'s' if banks != 1 else ''}, " \
              f"{questions} question{'s' if questions != 1 else ''}"
    if not problems:
        return Text("ok: ", style="bold green") + Text(f"no {noun}s in {checked}")
    n = len(problems)
    with_problems = len({p.file for p in problems})
    return (Text(f"{n} {noun}{'s' if n != 1 else ''}", style="bold red")
            + Text(f" in {with_problems} file{'s' if with_problems != 1 else ''} (checked {checked})"))


def print_findings(console: Console, findings: Iterable[Any]) -> None:
    """Lint findings: warnings, with the rule that found them."""
    for f in findings:
        console.print(render_problem(f.problem, f"warning[{f.rule}]", "bold yellow"), soft_wrap=True)
