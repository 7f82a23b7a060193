"""Reading the user's keys: the command words, the key hints line, and the
readers (a terminal with line editing, or a pipe whose input is echoed so a
transcript reads like a terminal session), and how q, Ctrl-D and Ctrl-C end a
session. Shared by the quiz, the review and the interview."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator, Protocol, TypeVar

from rich.console import Console
from rich.text import Text

from quizcli import answers
from quizcli.i18n import _
from quizcli.ui.text import plain

Reader = Callable[[str], str]

QUIT_WORDS = {"q", "quit", "exit", ":q", "退出"}
SKIP_WORDS = {"s", "skip", ":s", "跳过"}
HELP_WORDS = {"?", "help", "帮助"}


class Quit(Exception):
    """q at a prompt: the user asked to stop."""


class _Ends(Protocol):
    def end(self, how: str) -> None: ...


@contextmanager
def ending(session: _Ends, console: Console) -> Iterator[None]:
    """Run a session's loop inside: q (Quit), Ctrl-D and Ctrl-C end the
    session, recorded as "quit", "eof" and "interrupt"; what was answered is
    already stored. After ^D or ^C a line break, so what follows starts on a
    fresh line."""
    try:
        yield
    except Quit:
        session.end("quit")
    except EOFError:
        console.print()
        session.end("eof")
    except KeyboardInterrupt:
        console.print()
        session.end("interrupt")


_Verdict = TypeVar("_Verdict", covariant=True)


class _Answered(Protocol[_Verdict]):
    def answer(self, raw: str) -> _Verdict: ...
    def grade(self, raw: str) -> _Verdict: ...


def submit(session: _Answered[_Verdict], raw: str, console: Console, *, self_graded: bool) -> _Verdict | None:
    """What the session makes of `raw`: a self-grade (a revealed flashcard)
    or an answer; None, after saying why, when it is neither."""
    try:
        return session.grade(raw) if self_graded else session.answer(raw)
    except answers.InvalidAnswer as err:
        console.print(Text(f"  {err}", style="yellow"))
        return None


def key_hints(*pairs: tuple[str, str]) -> Text:
    line = Text("  ")
    for i, (key, what) in enumerate(pairs):
        if i:
            line.append(" · ", style="dim")
        if key:
            line.append(key, style="bold cyan")
            line.append(" ")
        line.append(what, style="dim")
    return line


def command(raw: str) -> str:
    """What the user typed, folded like answers (a full-width "ｑ" is "q")."""
    return answers.normalize(raw)


def default_reader(prompt: str) -> str:
    return input(prompt)


def echoing_reader(console: Console) -> Reader:
    """In a pipe nothing echoes what was read; print it, so that the
    transcript reads like a terminal session."""

    def read(prompt: str) -> str:
        line = input(prompt)
        console.print(plain(line), soft_wrap=True)
        return line

    return read


def reader_for(console: Console) -> Reader:
    """input() with line editing in a terminal; in a pipe, an echoing reader.

    A closed standard input (`<&-`) is a clear error, not a crash. Its
    first call, once the first question is on the screen, starts the
    session's warm demo worker (quizcli.demo.warm; nothing without a session).
    """
    if sys.stdin is None or sys.stdin.closed:
        from quizcli.errors import ExitCode, QuizcliError

        raise QuizcliError(_("standard input is closed, and the answers are read from it"),
                           hint=_("run it in a terminal, or pipe the answers in (one per line)"),
                           exit_code=ExitCode.USAGE)
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (line editing for input(), incl. CJK input methods)
        except ImportError:
            pass
        return kicking(default_reader)
    # echoing_reader is looked up at each call: tests replace it.
    return kicking(echoing_reader(console))


def kicking(read: Reader) -> Reader:
    """`read`, whose first call starts the session's warm demo worker (the
    first question is on the screen by then; quizcli.demo.warm)."""
    from quizcli.demo import warm

    def first(prompt: str) -> str:
        nonlocal current
        current = read
        warm.kick()
        return read(prompt)

    current: Reader = first
    return lambda prompt: current(prompt)


class DemoKey:
    """The `d` key of a session: the first press of a demo may show its
    cached outcome; pressing it again right after runs the demo afresh."""

    def __init__(self, lang: str, seed: int) -> None:
        self.lang, self.seed = lang, seed
        self._cached: set[str] = set()

    def press(self, console: Console, demo_id: str) -> bool:
        """Show the demo; True if what was shown came from the cache."""
        fresh = demo_id in self._cached
        cached = run_demo(console, demo_id, self.lang, self.seed, fresh=fresh)
        if cached:
            self._cached.add(demo_id)
        else:
            self._cached.discard(demo_id)
        return cached


def run_demo(console: Console, demo_id: str, lang: str, seed: int, *, fresh: bool = False) -> bool:
    """Run (or show from the results cache) a question's demo, in the
    session's warm worker if there is one; True if the outcome shown came
    from the cache, so that `d` again may run it afresh."""
    try:
        from quizcli.ui.demo import show_demo
    except ImportError as err:
        console.print(Text(_("Demos cannot run in this installation ({error}).").format(error=err), style="yellow"))
        return False
    from quizcli.demo import warm

    try:
        outcome = show_demo(console, demo_id, lang=lang, seed=seed, fresh=fresh, server=warm.server())
    except KeyboardInterrupt:
        # Ctrl-C during a demo stops the demo, not the quiz.
        console.print(Text("\n" + _("  demo interrupted"), style="yellow"))
        return False
    return getattr(outcome, "cached_at", None) is not None
