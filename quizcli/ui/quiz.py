"""The interactive quiz: shows questions, reads answers, shows the summary.

Line-based input, so it works the same in a terminal and in a pipe. The
session (quizcli.sessions.quiz) decides; this module only renders and reads.
"""

from __future__ import annotations


from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.i18n import N_, _, lines
from quizcli.model import Question
from quizcli.sessions.quiz import Feedback, Item, QuizSession, Summary
from quizcli.ui.keys import (HELP_WORDS, QUIT_WORDS, SKIP_WORDS, DemoKey, Quit, Reader, command, ending, key_hints,
                             reader_for, submit)
from quizcli.ui.render import render_feedback, render_question, render_reveal, render_skipped
from quizcli.ui.text import bitext, plain


# One line per topic, without hard line breaks inside: the console wraps
# each to the terminal's width (hard breaks at ~90 columns wrapped twice).
HELP_LINES = (
    N_("Answer with a choice letter (a; a,c for several), t/f, a number or text."),
    N_("Enter or s skips and shows the answer (on a flashcard Enter shows the answer)."),
    N_("q quits and shows the summary, as do Ctrl-C and Ctrl-D."),
    N_("After an answer: Enter goes on; d runs the demo behind it (then Enter goes on);"),
    N_("r after a wrong answer: \"I was right\" (counted right, stored as overridden)."),
    N_("* flags the question, or unflags it; `quizcli quiz --flagged` asks flagged ones."),
    N_("To answer literally \"q\" or \"s\", type \\q or \\s."),
)
def _help() -> str:
    """The help, in the interface's language."""
    return lines(HELP_LINES)


# --------------------------------------------------------------------------
# The summary (the questions themselves: quizcli.ui.render)


def render_summary(console: Console, summary: Summary, lang: str) -> None:
    console.print()
    answered = summary.answered
    pct = _(" ({percent}%)").format(percent=f"{100 * summary.correct / answered:.0f}") if answered else ""
    score = Text(_("Score: "), style="bold") + Text(
        _("{correct}/{answered} correct{pct}").format(correct=summary.correct, answered=answered, pct=pct),
        style="bold")
    extras = []
    if summary.skipped:
        extras.append(_("{n} skipped").format(n=summary.skipped))
    if summary.unanswered:
        extras.append(_("{n} not answered").format(n=summary.unanswered))
    if extras:
        score += Text(" · " + " · ".join(extras), style="dim")
    body: list = [score]
    if summary.by_topic:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        table.add_column(_("topic"))
        table.add_column(_("correct"), justify="right")
        table.add_column(_("answered"), justify="right")
        table.add_column(_("skipped"), justify="right")
        for topic, s in summary.by_topic.items():
            table.add_row(plain(topic), str(s.correct), str(s.asked), str(s.skipped))
        body += [Text(""), table]
    if summary.missed:
        body += [Text(""), Text(_("Missed"), style="bold red")]
        body.append(_question_rows(summary.missed, lang, console.width - 4))
    if summary.skipped_questions:
        body += [Text(""), Text(_("Skipped"), style="bold yellow")]
        body.append(_question_rows(summary.skipped_questions, lang, console.width - 4))
    body += [Text(""), Text(_("Seed {seed}: `quizcli quiz --seed {seed}` with the same filters "
                              "asks the same questions in the same order.").format(seed=summary.seed), style="dim")]
    if summary.missed:
        body.append(Text(_("See a question again with `quizcli show ID`."), style="dim"))
    console.print(Panel(Group(*body), title=_("Summary"), title_align="left", border_style="magenta", expand=True))


def _question_rows(questions: tuple[Question, ...], lang: str, width: int) -> Table:
    """One line a question: its id in full (what `quizcli show ID` needs) and
    as much of the prompt as fits in `width` columns."""
    grid = Table.grid(padding=(0, 2))
    # Fixed widths: with a ratio column Rich shortened the id ("hyperparamete…"),
    # and with a minimum width on the id it cropped the prompt at the border.
    id_width = 1 + max(cell_len(plain(q.id).plain) for q in questions)
    grid.add_column(no_wrap=True, style="bold", width=id_width)
    grid.add_column(no_wrap=True, overflow="ellipsis", width=max(8, width - id_width - 2))
    for q in questions:
        grid.add_row(Text(" ") + plain(q.id), bitext(q.prompt, lang).split("\n")[0])
    return grid


# --------------------------------------------------------------------------
# The loop


def _ask(session: QuizSession, item: Item, console: Console, read: Reader, lang: str) -> Feedback | None:
    """Read until the current question is answered (Feedback) or skipped (None)."""
    q = item.question
    revealed = False
    while True:
        raw = read("> ")
        cmd = command(raw)
        if raw.strip().startswith("\\"):
            cmd, raw = "", raw.strip()[1:]
        elif cmd in QUIT_WORDS:
            raise Quit
        elif cmd in HELP_WORDS:
            console.print(Text(_help(), style="dim"))
            continue
        elif cmd in FLAG_WORDS:
            console.print(Text(_("  flagged") if session.flag() else _("  flag removed"), style="cyan"))
            continue
        elif cmd in SKIP_WORDS or (cmd == "" and not q.type.self_graded):
            session.skip()
            render_skipped(console, item, lang)
            return None
        if q.type.self_graded:
            if not revealed:
                render_reveal(console, item, lang)
                console.print(key_hints(("1", _("again")), ("2", _("hard")), ("3", _("good")), ("4", _("easy")), ("s", _("skip")),
                                          ("q", _("quit"))))
                revealed = True
                continue
        verdict = submit(session, raw, console, self_graded=q.type.self_graded)
        if verdict is not None:
            return verdict


RIGHT_WORDS = {"r", "right", "i was right", "我答对了", "对了"}
FLAG_WORDS = {"*", "flag"}


def _after(session: QuizSession, item: Item, console: Console, read: Reader, demo_key: DemoKey,
           last: bool) -> None:
    """After an answer: offer the demo behind it and, after a wrong auto-grade,
    "I was right"; read keys until Enter. Nothing to offer: no prompt."""
    demo = item.question.demo
    if not demo and not session.can_override:
        return
    if demo:
        console.print(Text(_("  Demo: "), style="bold") + plain(demo)
                      + Text(_(" measures this claim in a small PyTorch run."), style="dim"))
    go_on = ("Enter", _("finish") if last else _("next question"))
    afresh = False   # the demo was shown from the results cache: d again runs it afresh
    while True:
        keys = [go_on]
        if demo:
            keys.append(("d", _("run it afresh") if afresh else _("run the demo")))
        if session.can_override:
            keys.append(("r", _("I was right")))
        console.print(key_hints(*keys, ("q", _("quit")), ("?", _("help"))))
        raw = read("> ")
        cmd = command(raw)
        if cmd in QUIT_WORDS:
            raise Quit
        if cmd == "":
            return
        if cmd in HELP_WORDS:
            console.print(Text(_help(), style="dim"))
        elif cmd == "d" and demo:
            afresh = demo_key.press(console, demo)
            if not afresh:
                demo = None      # shown once; then Enter goes on, so its output stays on screen
        elif cmd in RIGHT_WORDS and session.can_override:
            session.override()
            console.print(Text(_("  Counted as right (you said you were right; stored as overridden)."), style="green"))
            if not demo:
                return
        else:
            console.print(Text(_("  {key} is not a key here; ").format(key=repr(raw.strip())), style="yellow")
                          + Text(_("Enter goes on") + (_(", d runs the demo") if demo else "")
                                 + (_(", r says you were right") if session.can_override else "") + _(", ? shows help"),
                                 style="yellow"))


def run(session: QuizSession, console: Console, *, lang: str, demo_seed: int = 0,
        read: Reader | None = None) -> Summary:
    """Run the session to its end (done, q, Ctrl-C or Ctrl-D) and show the summary.
    A flagged question (`*`, here or in a review) says so when asked."""
    if read is None:
        read = reader_for(console)
    total = len(session.items)
    demo_key = DemoKey(lang, demo_seed)
    with ending(session, console):
        while not session.finished:
            item = session.show()
            render_question(console, item, total, lang, flagged=session.is_flagged(item.question.id))
            feedback = _ask(session, item, console, read, lang)
            if feedback is None:
                continue
            render_feedback(console, feedback, lang)
            _after(session, item, console, read, demo_key, last=session.finished)
    summary = session.summary()
    render_summary(console, summary, lang)
    return summary
