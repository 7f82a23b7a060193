"""`quizcli practice`: the exercise, the candidate's file, the grader's results.

Line-based. While it waits for a key it also watches the candidate's file:
each save re-grades it (polling its modification time, as exercise runners
do), and Enter grades it too. The session (quizcli.sessions.practice)
decides and stores; this module only renders and reads.
"""

from __future__ import annotations

import os
import select
import shlex
import subprocess
import sys
from datetime import datetime
from typing import Callable, Optional, Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.i18n import N_, _, lines, ngettext
from quizcli.scheduler import format_interval
from quizcli.sessions.practice import AGAIN, GOOD, HARD, Attempt, PracticeSession
from quizcli.ui.keys import command as _command, key_hints as _keys
from quizcli.ui.text import bitext, plain

# read(timeout) -> a line, or None when nothing came within `timeout` seconds; EOFError at the end.
LineReader = Callable[[float], Optional[str]]

POLL_S = 0.5
RATING_WORDS = {AGAIN: N_("again"), HARD: N_("hard"), GOOD: N_("good")}
HELP_LINES = (
    N_("Save the file and it is graded again (or press Enter). e opens it in $EDITOR (then grades it)."),
    N_("h shows the next hint (a pass after a hint is rated hard). s shows the reference solution (rated again)."),
    N_("o reopens your last attempt in the file. q quits (after trying, without passing: rated again)."),
)
def _help() -> str:
    """The help, in the interface's language."""
    return lines(HELP_LINES)


class _Quit(Exception):
    pass


# --------------------------------------------------------------------------
# Rendering


def render_exercise(console: Console, session: PracticeSession, lang: str, why: str = "") -> None:
    q = session.question
    body: list = [bitext(q.prompt, lang, "bold"), Text("")]
    body.append(Text.assemble((_("Your file: "), "bold"), plain(str(session.path))))
    if session.last_path.is_file():
        body.append(Text.assemble((_("Your last attempt: "), "dim"), plain(str(session.last_path), "dim"),
                                  (_(" (o reopens it)"), "dim")))
    title = (Text(_("practice") + " · ") + plain(q.bank_id) + Text(" · ") + plain(q.id)
             + Text(" · " + _("difficulty {level}").format(level=q.difficulty)))
    if why:
        title += Text(f" · {_(why)}")
    console.print()
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="blue", expand=True))
    console.print(keys_line(session))


def keys_line(session: PracticeSession) -> Text:
    left = len(session.hints) - session.hints_shown
    return _keys((_("save"), _("grades")), ("Enter", _("grade")), ("e", _("edit")),
                 ("h", _("hint ({n} left)").format(n=left)), ("s", _("solution")), ("o", _("last attempt")),
                 ("q", _("quit")))


def render_grade(console: Console, grade, *, title: str = "") -> None:  # grade: quizcli.exercise.runner.Grade
    """Each test, and for each failure what was expected, what came and on which input."""
    passed, total = grade.counts
    if title:
        console.print(plain(title, "bold"))
    if grade.error and not grade.tests:
        console.print(Text.assemble(("  ✗ ", "bold red"), plain(grade.error)))
    table = Table.grid(padding=(0, 1))
    table.add_column(width=3, no_wrap=True)
    table.add_column()
    shown: set[str] = set()
    for t in grade.tests:
        body = Text()
        body.append_text(plain(t.name, "" if t.passed else "bold"))
        if t.doc:
            body += Text("  ") + plain(t.doc, "dim")
        if not t.passed:
            if t.message in shown:      # the same message for every test (e.g. not implemented yet)
                body += Text("\n" + _("(the same)"), style="dim")
            else:
                shown.add(t.message)
                for line in t.message.splitlines():
                    body += Text("\n") + plain(line, "dim" if line.startswith("  ") else "red")
        table.add_row(Text("  ✓", style="green") if t.passed else Text("  ✗", style="bold red"), body)
    console.print(table)
    if grade.output_chars:
        more = _(" (the first {shown} of {total} characters)").format(
            shown=f"{len(grade.output):,}", total=f"{grade.output_chars:,}") \
            if grade.output_chars > len(grade.output) else ""
        console.print(Text(_("  your code printed{more}:").format(more=more), style="dim"))
        for line in grade.output.splitlines()[:8]:
            console.print(Text("    ") + plain(line, "dim"))
    verdict = ((_("  passed: {passed}/{total} tests").format(passed=passed, total=total), "bold green")
               if grade.passed
               else (_("  {passed}/{total} tests pass").format(passed=passed, total=total), "bold yellow"))
    console.print(Text.assemble(verdict, (" · " + _("{seconds} s").format(seconds=f"{grade.seconds:.1f}"), "dim")))


def render_attempt(console: Console, attempt: Attempt | None, now: datetime) -> None:
    if attempt is None:
        console.print(Text(_("Nothing graded, nothing recorded."), style="dim"))
        return
    word = _(RATING_WORDS[attempt.rating]) if attempt.rating in RATING_WORDS else str(attempt.rating)
    text = Text()
    text.append(_("Recorded: "), style="bold")
    colour = "green" if attempt.rating == GOOD else "yellow" if attempt.rating == HARD else "red"
    text += Text(word, style="bold " + colour)
    if attempt.due > now:
        text += Text(_(" · next review in {interval}").format(interval=format_interval(attempt.due - now)), style="dim")
    console.print(text)


def render_nothing_due(console: Console, when: datetime | None, now: datetime, *, exercises: int) -> None:
    if not exercises:
        console.print(Text(_("No code exercise in the banks loaded (or matching --topic)."), style="yellow"))
        return
    if when is None:
        text = Text(_("No code exercise is due now."))
    else:
        text = Text(_("No code exercise is due now; the next is due in {interval}.").format(
            interval=format_interval(when - now)))
    console.print(text + Text(_(" `quizcli practice --list` shows them all; `quizcli practice ID` practises one."),
                              style="dim"))


def render_list(console: Console, rows: Sequence[tuple], now: datetime) -> None:
    """rows: (question, card or None, last attempt given as a dict or None)."""
    table = Table(header_style="bold", box=None, pad_edge=False)
    for name in (N_("id"), N_("topic"), N_("diff"), N_("status"), N_("last")):
        table.add_column(_(name), no_wrap=name != "last")
    for q, card, last in rows:
        if card is None:
            status = Text(_("new"), style="cyan")
        elif card.due <= now:
            status = Text(_("due"), style="yellow")
        else:
            status = Text(_("in {interval}").format(interval=format_interval(card.due - now)), style="dim")
        last_text = Text("")
        if last:
            last_text = Text((_("passed") if last.get("passed") else _("failed")) + f" {last.get('tests', '')}",
                             style="green" if last.get("passed") else "red")
            if last.get("hints"):
                last_text += Text(ngettext(", {n} hint", ", {n} hints", last["hints"]).format(n=last["hints"]), style="dim")
            if last.get("solution_shown"):
                last_text += Text(_(", solution shown"), style="dim")
        table.add_row(plain(q.id), plain(q.bank_id), str(q.difficulty), status, last_text)
    console.print(table)
    console.print(Text(ngettext("{n} code exercise.", "{n} code exercises.", len(rows)).format(n=len(rows))
                       + _(" Practise one with `quizcli practice ID`."), style="dim"))


# --------------------------------------------------------------------------
# Reading


class _FdLines:
    """Lines from a file descriptor, with a timeout (select), without stdio's buffering."""

    def __init__(self, fd: int, echo: Callable[[str], None] | None = None) -> None:
        self.fd, self.buf, self.echo = fd, b"", echo

    def __call__(self, timeout: float) -> str | None:
        while b"\n" not in self.buf:
            ready = select.select([self.fd], [], [], timeout)[0]
            if not ready:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                if self.buf:
                    break
                raise EOFError
            self.buf += chunk
        line, _sep, self.buf = self.buf.partition(b"\n")
        text = line.decode("utf-8", "replace").rstrip("\r")
        if self.echo is not None:
            self.echo(text)
        return text


def default_reader(console: Console) -> tuple[LineReader, bool]:
    """A reader of stdin, and whether it can wait with a timeout (watch mode)."""
    try:
        fd = sys.stdin.fileno()
        os.fstat(fd)
    except (AttributeError, OSError, ValueError):
        def read(timeout: float) -> str | None:   # no real file (a test runner's stdin): no watching
            line = sys.stdin.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")
        return read, False
    echo = None if os.isatty(fd) else (lambda s: console.print(plain(s), soft_wrap=True))
    return _FdLines(fd, echo), True


def _open_editor(console: Console, path) -> None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    try:
        subprocess.call([*shlex.split(editor), str(path)])
    except OSError as err:
        console.print(Text.assemble((_("  cannot start the editor "), "yellow"), plain(editor))
                      + Text(_(": {error}; set $EDITOR").format(error=err.strerror or err), style="yellow"))


# --------------------------------------------------------------------------
# The loop


def _grade(console: Console, session: PracticeSession, why: str) -> None:
    console.print(Text(_("grading ({why}) ...").format(why=_(why)), style="dim"))
    grade = session.check()
    render_grade(console, grade)
    if not grade.passed:
        session.warm_up()


def run(session: PracticeSession, console: Console, *, lang: str, read: LineReader | None = None,
        watch: bool = True, resume: bool = False, why: str = "") -> Attempt | None:
    """Run one exercise to a pass, a quit or the end of input; store and show the rating."""
    if read is None:
        read, can_wait = default_reader(console)
        watch = watch and can_wait
    path = session.start(resume=resume)
    session.warm_up()
    try:
        return _loop(session, console, lang, read, watch, path, why)
    finally:
        session.close()


def _loop(session: PracticeSession, console: Console, lang: str, read: LineReader, watch: bool, path,
          why: str) -> Attempt | None:
    render_exercise(console, session, lang, why)
    console.print(Text(_("Open the file in your editor and save it to grade it (or press e)."), style="dim"))
    seen = session.mtime()
    try:
        while not session.passed:
            try:
                line = read(POLL_S if watch else 1e9)
            except EOFError:
                break
            if line is None:           # no key: has the file been saved?
                now_m = session.mtime()
                if now_m is not None and now_m != seen:
                    seen = now_m
                    _grade(console, session, N_("saved"))
                continue
            cmd = _command(line)
            if cmd in ("q", "quit", "exit", ":q", "退出"):
                raise _Quit
            if cmd in ("?", "help", "帮助"):
                console.print(Text(_help(), style="dim"))
            elif cmd == "":
                seen = session.mtime()
                _grade(console, session, N_("Enter"))
            elif cmd in ("e", "edit"):
                _open_editor(console, path)
                seen = session.mtime()
                _grade(console, session, N_("edited"))
            elif cmd in ("h", "hint"):
                got = session.hint()
                if got is None:
                    console.print(Text(_("  no more hints; s shows the solution"), style="yellow"))
                else:
                    n, text = got
                    hint_label = _("  hint {n}/{total}: ").format(n=n, total=len(session.hints))
                    console.print(Text.assemble((hint_label, "bold cyan"), bitext(text, lang)))
            elif cmd in ("s", "solution"):
                code = session.solution()
                console.print(Panel(plain(code), title=Text(_("reference solution (counts as again)")),
                                    title_align="left", border_style="magenta", expand=True))
                session.finish()
            elif cmd in ("o", "open", "last"):
                if session.reopen_last():
                    seen = session.mtime()
                    console.print(Text.assemble((_("  your last attempt is back in "), "cyan"), plain(str(path)))
                                  + Text(_(" (the current one is now the last)"), style="dim"))
                else:
                    console.print(Text(_("  there is no last attempt yet"), style="yellow"))
            else:
                console.print(Text(_("  unknown key; ? shows the keys"), style="yellow"))
                console.print(keys_line(session))
    except _Quit:
        pass
    except KeyboardInterrupt:      # Ctrl-C: what was done is stored, then the command exits 130
        render_attempt(console, session.finish(), session.now())
        raise
    attempt = session.finish()
    render_attempt(console, attempt, session.now())
    return attempt
