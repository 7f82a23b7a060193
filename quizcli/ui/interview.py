"""The mock interview in the terminal (#17): ask, read, mark, confirm, debrief, report.

The session (quizcli.sessions.interview) decides and records; this module
renders and reads. Line-based input, so it runs the same in a terminal and
in a pipe:

- An answer is one or more lines; an empty line (or Ctrl-D) ends it. As the
  first line, `e` opens $VISUAL/$EDITOR on a temporary file, `s` skips the
  question, `q` quits, `?` shows help; `\\e`, `\\s`, `\\q` answer those letters.
- Then the key points, with the matcher's marks. Enter accepts them; digits
  toggle points (`2` or `13`), `y` marks every point covered, `n` none.
- In a pipe (stdin not a terminal) nothing waits for a key that a script
  would not type: after an answer's empty line, a line that starts with `!`
  is read as the confirmation keys (`!` accepts, `!13` toggles points 1
  and 3, `!y` all, `!n` none); without one the matcher's marks are accepted.
- The model answer and the explanation come after the follow-ups of a
  question (a debrief of the whole chain); in a terminal, `d` runs the
  demo behind an answer there.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.i18n import N_, _
from quizcli.model import Question
from quizcli.sessions.interview import Asked, Confirmed, InterviewSession, Marked
from quizcli.ui.keys import HELP_WORDS, QUIT_WORDS, SKIP_WORDS, Quit, Reader, ending, kicking, run_demo
from quizcli.ui.text import bitext, plain

# Every string of this screen, by name, in English; shown in the interface's
# language (quizcli.i18n), whatever the questions' language (bank text comes from banks).
STRINGS = {
    "question": N_("Question {n}"), "follow": N_("follow-up of {parent}"), "of_plan": N_("{main} planned"),
    "elapsed": N_("{elapsed} of {budget}"),
    "answer_keys": N_("type your answer; an empty line or Ctrl-D ends it · e editor · s skip · q quit · ? help"),
    "answered": N_("answered in {time}"), "skipped": N_("skipped"),
    "empty": N_("no answer typed: type one, or s to skip"),
    "points": N_("Key points (✓ = your answer says it)"),
    "confirm_keys": N_("Enter accept · 1-{n} toggle a point (several: 13) · y all · n none"),
    "said": N_("you said: "), "blocked": N_("said the wrong way: "),
    "result": N_("{covered}/{total} key points · rated {rating} for review"),
    "model": N_("Model answer"), "missed": N_("Key points missed"), "explanation": N_("Explanation"),
    "demo": N_("Demo: {demo} measures this claim in a small PyTorch run."),
    "demo_keys": N_("d run the demo · Enter go on · q quit"), "next_follow": N_("Follow-up:"),
    "editor_failed": N_("the editor failed ({why}); type the answer here instead"),
    "editor_status": N_("exit status {status}"),
    "editor_header": N_("Lines starting with # are ignored. Save and close the editor to submit."),
    "time_up": N_("Time is up ({budget})."), "bad_key": N_("unknown key {key!r}: {keys}"),
    "report": N_("Interview report"), "question_col": N_("question"), "points_col": N_("points"),
    "time_col": N_("time"), "missed_col": N_("missed"), "topic_col": N_("topic"), "share_col": N_("covered"),
    "weakest": N_("Weakest points"),
    "total": N_("Total: {covered}/{total} key points ({pct}) in {time}"),
    "nothing": N_("No question was answered."), "saved": N_("Report written to {path}"),
    "study": N_("study:"),
}
HELP_LINES = (
    N_("Type your answer over several lines; an empty line or Ctrl-D ends it."),
    N_("e as the first line opens your editor ($VISUAL, $EDITOR) for a long answer."),
    N_("s skips the question, q ends the interview with the report (Ctrl-C too)."),
    N_("After the answer: Enter accepts the marks, digits toggle points, y all, n none."),
)
RATING_NAMES = {1: N_("again"), 2: N_("hard"), 3: N_("good")}

_QUIT, _SKIP, _HELP = QUIT_WORDS, SKIP_WORDS, HELP_WORDS     # the quiz's and the review's words
_EDIT = {"e", "edit", ":e", "编辑"}


def t(name: str, **kw: object) -> str:
    """The interface string `name` in the interface's language, filled in."""
    if name == "help":
        return "\n".join(_(line) for line in HELP_LINES)
    text = _(STRINGS[name])
    return text.format(**kw) if kw else text


def clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def _fold(raw: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", raw).strip().lower()


# --------------------------------------------------------------------------
# Rendering


def render_question(console: Console, asked: Asked, session: InterviewSession, lang: str) -> None:
    q = asked.question
    title = Text(t("question", n=asked.number) + " · ") + plain(q.bank_id)
    if asked.follow_up_of:
        title += Text(" · ") + plain(t("follow", parent=asked.follow_up_of))
    title += Text(" · " + t("elapsed", elapsed=clock(session.elapsed), budget=clock(session.minutes * 60)))
    console.print()
    console.print(Panel(bitext(q.prompt, lang, "bold"), title=title, title_align="left",
                        border_style="cyan" if asked.follow_up_of else "blue", expand=True))
    console.print(Text("  " + t("answer_keys"), style="dim"))


def point_table(marked: Marked, marks: set[str], lang: str) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    by_id = {m.id: m for m in marked.matches}
    for i, p in enumerate(marked.asked.question.key_points, 1):
        on = p.id in marks
        mark = Text(f"{i}) ", style="bold") + (Text("[✓]", style="green") if on else Text("[ ]", style="dim"))
        text = bitext(p.text, lang, "" if on else "dim")
        m = by_id.get(p.id)
        if m is not None and m.covered and m.evidence:
            text += Text("\n") + Text(t("said"), style="dim italic") + plain(_short(m.evidence), "dim italic")
        elif m is not None and m.blocked:
            text += Text("\n") + Text(t("blocked"), style="yellow italic") + plain(_short(m.blocked), "yellow italic")
        grid.add_row(mark, text)
    return grid


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_marks(console: Console, marked: Marked, marks: set[str], lang: str) -> None:
    n = len(marked.asked.question.key_points)
    body = Group(Text(t("points"), style="bold"), point_table(marked, marks, lang))
    console.print(Text("  " + t("answered", time=clock(marked.seconds)), style="dim"))
    console.print(Panel(body, border_style="magenta", expand=True))
    console.print(Text("  " + t("confirm_keys", n=n), style="dim"))


def render_result(console: Console, result: Confirmed, lang: str) -> None:
    rating = _(RATING_NAMES[result.rating])
    style = {1: "red", 2: "yellow", 3: "green"}[result.rating]
    console.print(Text("  " + t("result", covered=len(result.covered), total=len(result.point_ids),
                                rating=rating), style=f"bold {style}"))


def render_debrief(console: Console, result: Confirmed, lang: str) -> None:
    """The model answer, what was missed and the explanation of one answered question."""
    q = result.asked.question
    body: list = [plain(q.id, "bold"), Text(""), Text(t("model"), style="bold"), bitext(q.answer_text, lang)]
    missed = [p for p in q.key_points if p.id not in result.covered]
    if missed:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for p in missed:
            grid.add_row(Text("  ✗", style="red"), bitext(p.text, lang))
        body += [Text(""), Text(t("missed"), style="bold red"), grid]
    body += [Text(""), Text(t("explanation"), style="bold"), bitext(q.explanation, lang)]
    if q.refs:
        body += [plain("; ".join(q.refs), "dim")]
    console.print(Panel(Group(*body), border_style="green" if not missed else "yellow", expand=True))


# --------------------------------------------------------------------------
# Reading


class _Lines:
    """Line input with a look at the next line (the pipe's optional `!` line).

    In a pipe nothing echoes what was read: each line is printed when it is
    taken, so that the transcript reads like a terminal session.
    """

    def __init__(self, read: Reader, interactive: bool, echo: Console | None = None) -> None:
        self._read, self.interactive, self._echo = read, interactive, echo
        self._next: str | None = None

    def __call__(self, prompt: str) -> str:
        if self._next is not None:
            line, self._next = self._next, None
        else:
            line = self._read(prompt)
        if self._echo is not None:
            self._echo.print(plain(prompt + line), soft_wrap=True)
        return line

    def peek(self) -> str:
        """The next line, left to be read (EOFError at the end)."""
        if self._next is None:
            self._next = self._read("")
        return self._next


def _editor_answer(console: Console, q: Question, lang: str) -> str | None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    header = "".join(f"# {line}\n" for line in q.prompt.get(lang).splitlines())
    header += f"# {t('editor_header')}\n"
    fd, path = tempfile.mkstemp(prefix="quizcli-answer-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(header + "\n")
        try:
            rc = subprocess.run([*shlex.split(editor), path]).returncode
        except (OSError, ValueError) as err:
            console.print(Text("  " + t("editor_failed", why=str(err)), style="yellow"))
            return None
        if rc != 0:
            console.print(Text("  " + t("editor_failed", why=t("editor_status", status=rc)), style="yellow"))
            return None
        with open(path, encoding="utf-8", errors="replace") as f:
            return "\n".join(line for line in f.read().splitlines() if not line.startswith("#")).strip()
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def read_answer(console: Console, read: _Lines, q: Question, lang: str) -> str | None:
    """The typed answer; None to skip. Raises Quit, EOFError (nothing typed) or KeyboardInterrupt."""
    lines: list[str] = []
    while True:
        try:
            line = read("> " if not lines else "  ")
        except EOFError:
            if lines:
                break
            raise
        if not lines:
            cmd = _fold(line)
            if line.strip().startswith("\\") and cmd[1:] in (_QUIT | _SKIP | _EDIT | _HELP):
                line = line.strip()[1:]
            elif cmd in _QUIT:
                raise Quit
            elif cmd in _SKIP:
                return None
            elif cmd in _HELP:
                console.print(Text(t("help"), style="dim"))
                continue
            elif cmd in _EDIT:
                text = _editor_answer(console, q, lang)
                if text:
                    console.print(plain(text, "dim"))
                    return text
                continue
            elif not line.strip():
                console.print(Text("  " + t("empty"), style="yellow"))
                continue
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines)


_ALL_OR_NONE = {"y", "yes", "a", "all", "是", "n", "no", "none", "否"}


def apply_keys(keys: str, marks: set[str], ids: tuple[str, ...]) -> set[str] | None:
    """Confirmation keys -> the new marks; None if a key is not understood."""
    keys = _fold(keys)
    if keys in ("y", "yes", "a", "all", "是"):
        return set(ids)
    if keys in ("n", "no", "none", "否"):
        return set()
    out = set(marks)
    for ch in keys.replace(",", "").replace(" ", ""):
        if not ch.isdigit() or not 1 <= int(ch) <= len(ids):
            return None
        out ^= {ids[int(ch) - 1]}
    return out


def confirm_marks(console: Console, read: _Lines, marked: Marked, lang: str) -> set[str]:
    ids = tuple(p.id for p in marked.asked.question.key_points)
    marks = set(marked.auto)
    render_marks(console, marked, marks, lang)
    if not read.interactive:
        try:
            if not read.peek().startswith("!"):
                return marks
        except EOFError:
            return marks
        new = apply_keys(read("")[1:], marks, ids)
        return marks if new is None else new
    while True:
        raw = read("? ")
        if not raw.strip():
            return marks
        if _fold(raw) in _QUIT:
            raise Quit
        new = apply_keys(raw, marks, ids)
        if new is None:
            console.print(Text("  " + t("bad_key", key=raw.strip(), keys=t("confirm_keys", n=len(ids))),
                               style="yellow"))
            continue
        marks = new
        if _fold(raw) in _ALL_OR_NONE:
            return marks
        console.print(point_table(marked, marks, lang))    # toggled: show, then Enter accepts


# --------------------------------------------------------------------------
# The loop


def _debrief(console: Console, done: list[Confirmed], read: _Lines, lang: str, demo_seed: int) -> None:
    """Each answered question of the chain, in order; taken off the list as shown (q stops here)."""
    while done:
        result = done.pop(0)
        render_debrief(console, result, lang)
        demo = result.asked.question.demo
        if demo and read.interactive:
            console.print(Text("  " + t("demo", demo=demo), style="dim"))
            console.print(Text("  " + t("demo_keys"), style="dim"))
            cmd = _fold(read("> "))
            if cmd in _QUIT:
                raise Quit
            if cmd == "d":
                run_demo(console, demo, lang, demo_seed)


def _pipe_read(prompt: str) -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n").rstrip("\r")


def run(session: InterviewSession, console: Console, *, lang: str, demo_seed: int = 0,
        read: Reader | None = None, interactive: bool | None = None) -> None:
    """Run the interview to its end (plan done, time up, q, Ctrl-C or Ctrl-D).

    `read` and `interactive` are for tests; by default a terminal is read
    with input() (and readline), a pipe line by line, echoed.
    """
    if read is None:
        if sys.stdin.isatty():
            try:
                import readline  # noqa: F401  (line editing for input(), incl. CJK input methods)
            except ImportError:
                pass
            lines = _Lines(kicking(input), True)
        else:
            lines = _Lines(kicking(_pipe_read), False, echo=console)
    else:
        lines = _Lines(read, bool(interactive), echo=None if interactive else console)
    chain: list[Confirmed] = []     # answered, debrief after the follow-ups
    with ending(session, console):
        while not session.finished:
            if chain and not session.next_is_follow_up:
                _debrief(console, chain, lines, lang, demo_seed)    # before the next clock starts
            asked = session.show()
            render_question(console, asked, session, lang)
            text = read_answer(console, lines, asked.question, lang)
            if text is None:
                session.skip()
                console.print(Text("  " + t("skipped"), style="yellow"))
                continue
            marked = session.submit(text)
            covered = confirm_marks(console, lines, marked, lang)
            result = session.confirm(covered)
            render_result(console, result, lang)
            chain.append(result)
            if result.next_id:
                console.print(Text("  " + t("next_follow") + " ", style="cyan") + plain(result.next_id))
        if session.over_time:
            console.print(Text(t("time_up", budget=clock(session.minutes * 60)), style="bold yellow"))
        if chain:
            _debrief(console, chain, lines, lang, demo_seed)
    if chain and session.ended_by in ("quit", "eof"):
        try:
            _debrief(console, chain, _Lines(lambda p: "", False), lang, demo_seed)
        except (Quit, EOFError, KeyboardInterrupt):
            pass
