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
from quizcli.i18n import _, ngettext
from quizcli.ui.text import safe


def render_problem(p: Problem, label: str | None = None, style: str = "bold red") -> Text:
    """One problem: file:line: error: field: message, and its hint (the message itself is the validator's)."""
    line = Text(safe(p.location()), style="bold") + Text(": ")
    line += Text(label if label is not None else _("error"), style=style) + Text(": ")
    if p.field:
        line += Text(safe(p.field), style="cyan") + Text(": ")
    line += Text(safe(p.message))
    if p.hint:
        line += Text("\n  = " + _("help: "), style="dim") + Text(safe(p.hint))
    return line


def print_problems(console: Console, problems: Iterable[Problem], label: str | None = None,
                   style: str = "bold red") -> None:
    for p in problems:
        console.print(render_problem(p, label, style), soft_wrap=True)


def summary(problems: list[Problem], files: int, banks: int, questions: int, noun: str = "problem") -> Text:
    """The last line: what was checked, and how many problems (or lint findings: noun="finding") in how many files."""
    checked = _("{files}, {banks}, {questions}").format(
        files=ngettext("{n} file", "{n} files", files).format(n=files),
        banks=ngettext("{n} bank", "{n} banks", banks).format(n=banks),
        questions=ngettext("{n} question", "{n} questions", questions).format(n=questions))
    finding = noun == "finding"
    if not problems:
        none = _("no findings in {checked}") if finding else _("no problems in {checked}")
        return Text(_("ok: "), style="bold green") + Text(none.format(checked=checked))
    n = len(problems)
    with_problems = len({p.file for p in problems})
    count = (ngettext("{n} finding", "{n} findings", n) if finding else ngettext("{n} problem", "{n} problems", n))
    return (Text(count.format(n=n), style="bold red")
            + Text(ngettext(" in {n} file (checked {checked})", " in {n} files (checked {checked})",
                            with_problems).format(n=with_problems, checked=checked)))


def print_findings(console: Console, findings: Iterable[Any]) -> None:
    """Lint findings: warnings, with the rule that found them."""
    for f in findings:
        console.print(render_problem(f.problem, _("warning[{rule}]").format(rule=f.rule), "bold yellow"), soft_wrap=True)
