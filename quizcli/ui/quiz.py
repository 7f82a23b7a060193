"""The interactive quiz: shows questions, reads answers, shows the summary.

Line-based input, so it works the same in a terminal and in a pipe. The
session (quizcli.session) decides; this module only renders and reads.
"""

from __future__ import annotations

import sys
from typing import Callable

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli import answers
from quizcli.model import Question, QuestionType
from quizcli.session import Feedback, Item, QuizSession, Summary
from quizcli.ui.text import bitext, plain

Reader = Callable[[str], str]

TYPE_LABEL = {
    QuestionType.SINGLE_CHOICE: "single choice",
    QuestionType.MULTIPLE_CHOICE: "multiple choice",
    QuestionType.TRUE_FALSE: "true or false",
    QuestionType.NUMERIC: "number",
    QuestionType.SHORT_ANSWER: "short answer",
    QuestionType.FLASHCARD: "flashcard",
    QuestionType.CODE: "code exercise",     # #18
}

_QUIT = {"q", "quit", "exit", ":q", "退出"}
_SKIP = {"s", "skip", ":s", "跳过"}
_HELP = {"?", "help", "帮助"}


class _Quit(Exception):
    """The user asked to stop."""


def _keys(*pairs: tuple[str, str]) -> Text:
    line = Text("  ")
    for i, (key, what) in enumerate(pairs):
        if i:
            line.append(" · ", style="dim")
        if key:
            line.append(key, style="bold cyan")
            line.append(" ")
        line.append(what, style="dim")
    return line


def _answer_keys(item: Item) -> Text:
    q = item.question
    n = len(item.order)
    how = {
        QuestionType.SINGLE_CHOICE: (f"a-{answers.LETTERS[n - 1]}", "answer"),
        QuestionType.MULTIPLE_CHOICE: ("a,c", "every correct letter"),
        QuestionType.TRUE_FALSE: ("t/f", "true or false (y/n, 对/错)"),
        QuestionType.NUMERIC: ("", "type a number"),
        QuestionType.SHORT_ANSWER: ("", "type your answer"),
        QuestionType.FLASHCARD: ("Enter", "show the answer"),
        QuestionType.CODE: ("", "run `quizcli practice " + q.id + "`"),    # #18
    }[q.type]
    skip = ("s", "skip") if q.type is QuestionType.FLASHCARD else ("Enter/s", "skip")
    return _keys(how, skip, ("q", "quit"), ("?", "help"))


# One line per topic, without hard line breaks inside: the console wraps
# each to the terminal's width (hard breaks at ~90 columns wrapped twice).
HELP = "\n".join((
    "Answer with a choice letter (a; a,c for several), t/f, a number or text.",
    "Enter or s skips a question (on a flashcard Enter shows the answer).",
    "q quits and shows the summary, as do Ctrl-C and Ctrl-D.",
    "After an answer with a demo, d runs the demo.",
    "To answer literally \"q\" or \"s\", type \\q or \\s.",
))


# --------------------------------------------------------------------------
# Rendering


def _grid(*columns: dict) -> Table:
    """A borderless table: wrapped text keeps its hanging indent."""
    grid = Table.grid(padding=(0, 1))
    for col in columns:
        grid.add_column(**col)
    return grid


def _choice_lines(item: Item, lang: str, reveal: bool = False, picked: tuple[int, ...] = ()) -> Table:
    grid = _grid({"no_wrap": True}, {"ratio": 1})
    for pos, choice in enumerate(item.shown_choices()):
        mark, style = " ", ""
        if reveal:
            if choice.correct:
                mark, style = "✓", "green"
            elif pos in picked:
                mark, style = "✗", "red"
        text = bitext(choice.text, lang, style)
        if reveal and choice.correct and picked and pos not in picked and item.question.type is QuestionType.MULTIPLE_CHOICE:
            # Which correct choices the user left out: the ✓ alone does not say.
            text += Text("  (missed)", style="yellow")
        if reveal and choice.why is not None and (choice.correct or pos in picked):
            text += Text("\n") + bitext(choice.why, lang, "dim")
        grid.add_row(Text(mark, style=style) + Text(f" {answers.LETTERS[pos]})", style="bold"), text)
    return grid


def render_question(console: Console, item: Item, total: int, lang: str) -> None:
    q = item.question
    body: list = [bitext(q.prompt, lang, "bold")]
    if q.choices:
        body.append(Text(""))
        body.append(_choice_lines(item, lang))
    hints = []
    if q.type is QuestionType.MULTIPLE_CHOICE:
        hints.append("pick all that apply")
    elif q.type is QuestionType.NUMERIC:
        if q.unit:
            hints.append(f"in {q.unit}")
        if q.tolerance:
            hints.append(f"within ±{answers.format_number(q.tolerance)}")
    if hints:
        body.append(plain(", ".join(hints), "dim italic"))
    title = Text(f"{item.number}/{total} · ") + plain(q.bank_id) + Text(f" · {TYPE_LABEL[q.type]} · difficulty {q.difficulty}")
    console.print()
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="blue", expand=True))
    console.print(_answer_keys(item))


def correct_answer(q: Question, lang: str, order: tuple[int, ...] | None = None) -> Text:
    """The right answer to `q`, as one line (choices by their shown letters)."""
    if q.choices:
        order = order if order is not None else tuple(range(len(q.choices)))
        parts = [Text(f"{answers.LETTERS[pos]}) ", style="bold") + bitext(q.choices[i].text, lang)
                 for pos, i in enumerate(order) if q.choices[i].correct]
        return Text("; ").join(parts)
    if q.type is QuestionType.TRUE_FALSE:
        return Text("true" if q.answer_bool else "false", style="bold")
    if q.type is QuestionType.NUMERIC:
        out = Text(answers.format_number(q.answer_number or 0.0), style="bold")
        if q.unit:
            out += Text(" ") + plain(q.unit)
        if q.tolerance:
            out += Text(f" (±{answers.format_number(q.tolerance)})", style="dim")
        return out
    if q.type is QuestionType.SHORT_ANSWER:
        main = bitext(q.answer_text, lang, "bold") if q.answer_text else plain(q.accept[0], "bold")
        others = [a for a in q.accept if not (q.answer_text is None and a == q.accept[0])]
        if others:
            main += Text("   also accepted: ", style="dim") + plain(", ".join(others), "dim")
        return main
    if q.type is QuestionType.CODE:     # #18: the answer is code, graded by `quizcli practice`
        return Text("code, graded by running it: ", style="bold") + plain(f"quizcli practice {q.id}")
    return bitext(q.answer_text, lang, "bold")


def _details(q: Question, lang: str) -> list:
    lines: list = [bitext(q.explanation, lang)]
    if q.refs:
        lines.append(Text(""))
        lines.append(Text("References", style="bold"))
        refs = _grid({"no_wrap": True}, {"ratio": 1})
        for ref in q.refs:
            refs.add_row(Text("  •"), plain(ref, "dim"))
        lines.append(refs)
    return lines


def render_feedback(console: Console, fb: Feedback, lang: str) -> None:
    q = fb.item.question
    body: list = []
    if q.type is QuestionType.FLASHCARD:
        grade_name = {1: "again", 2: "hard", 3: "good", 4: "easy"}[fb.grade or 1]
        head = Text(f"Graded: {grade_name}", style="bold " + ("green" if fb.correct else "yellow"))
        console.print(Text("  ") + head)
        return
    head = Text("✓ Correct", style="bold green") if fb.correct else Text("✗ Wrong", style="bold red")
    if not fb.correct:
        shown = plain(fb.given.strip()) if not q.choices else Text(", ".join(answers.LETTERS[i] for i in fb.picked))
        head += Text("  (you said: ", style="dim") + shown + Text(")", style="dim")
    body.append(head)
    if q.choices:
        body.append(_choice_lines(fb.item, lang, reveal=True, picked=fb.picked))
    else:
        body.append(Text("Answer: ", style="bold") + correct_answer(q, lang, fb.item.order))
    body.append(Text(""))
    body.extend(_details(q, lang))
    console.print(Panel(Group(*body), border_style="green" if fb.correct else "red", expand=True))


def render_reveal(console: Console, item: Item, lang: str) -> None:
    """The back of a flashcard, before the user grades it."""
    q = item.question
    body = [Text("Answer", style="bold"), correct_answer(q, lang), Text(""), *_details(q, lang)]
    console.print(Panel(Group(*body), border_style="cyan", expand=True))


def render_summary(console: Console, summary: Summary, lang: str) -> None:
    console.print()
    answered = summary.answered
    pct = f" ({100 * summary.correct / answered:.0f}%)" if answered else ""
    score = Text("Score: ", style="bold") + Text(f"{summary.correct}/{answered} correct{pct}", style="bold")
    extras = []
    if summary.skipped:
        extras.append(f"{summary.skipped} skipped")
    if summary.unanswered:
        extras.append(f"{summary.unanswered} not answered")
    if extras:
        score += Text(" · " + " · ".join(extras), style="dim")
    body: list = [score]
    if summary.by_topic:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        table.add_column("topic")
        table.add_column("correct", justify="right")
        table.add_column("answered", justify="right")
        table.add_column("skipped", justify="right")
        for topic, s in summary.by_topic.items():
            table.add_row(plain(topic), str(s.correct), str(s.asked), str(s.skipped))
        body += [Text(""), table]
    if summary.missed:
        body += [Text(""), Text("Missed", style="bold red")]
        body.append(_question_rows(summary.missed, lang, console.width - 4))
    if summary.skipped_questions:
        body += [Text(""), Text("Skipped", style="bold yellow")]
        body.append(_question_rows(summary.skipped_questions, lang, console.width - 4))
    body += [Text(""), Text(f"Seed {summary.seed}: `quizcli quiz --seed {summary.seed}` with the same filters "
                            "asks the same questions in the same order.", style="dim")]
    if summary.missed:
        body.append(Text("See a question again with `quizcli show ID`.", style="dim"))
    console.print(Panel(Group(*body), title="Summary", title_align="left", border_style="magenta", expand=True))


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


def _command(raw: str) -> str:
    """What the user typed, folded like answers (a full-width "ｑ" is "q")."""
    return answers.normalize(raw)


def _ask(session: QuizSession, item: Item, console: Console, read: Reader, lang: str) -> Feedback | None:
    """Read until the current question is answered (Feedback) or skipped (None)."""
    q = item.question
    revealed = False
    while True:
        raw = read("> ")
        cmd = _command(raw)
        if raw.strip().startswith("\\"):
            cmd, raw = "", raw.strip()[1:]
        elif cmd in _QUIT:
            raise _Quit
        elif cmd in _HELP:
            console.print(Text(HELP, style="dim"))
            continue
        elif cmd in _SKIP or (cmd == "" and q.type is not QuestionType.FLASHCARD):
            session.skip()
            console.print(Text("  skipped", style="yellow"))
            return None
        if q.type is QuestionType.FLASHCARD:
            if not revealed:
                render_reveal(console, item, lang)
                console.print(_keys(("1", "again"), ("2", "hard"), ("3", "good"), ("4", "easy"), ("s", "skip"), ("q", "quit")))
                revealed = True
                continue
            try:
                return session.grade(raw)
            except answers.InvalidAnswer as err:
                console.print(Text(f"  {err}", style="yellow"))
                continue
        try:
            return session.answer(raw)
        except answers.InvalidAnswer as err:
            console.print(Text(f"  {err}", style="yellow"))


def _run_demo(console: Console, demo_id: str, lang: str, seed: int) -> None:
    try:
        from quizcli.ui.demo import show_demo
    except ImportError as err:
        console.print(Text(f"Demos cannot run in this installation ({err}).", style="yellow"))
        return
    try:
        show_demo(console, demo_id, lang=lang, seed=seed)
    except KeyboardInterrupt:
        # Ctrl-C during a demo stops the demo, not the quiz.
        console.print(Text("\n  demo interrupted", style="yellow"))


def _after(item: Item, console: Console, read: Reader, lang: str, demo_seed: int, last: bool) -> None:
    """Offer the demo of an answered question."""
    demo = item.question.demo
    if not demo:
        return
    console.print(Text("  Demo: ", style="bold") + plain(demo) + Text(" measures this claim in a small PyTorch run.", style="dim"))
    console.print(_keys(("d", "run the demo"), ("Enter", "finish" if last else "next question"), ("q", "quit")))
    cmd = _command(read("> "))
    if cmd in _QUIT:
        raise _Quit
    if cmd == "d":
        _run_demo(console, demo, lang, demo_seed)


def _default_reader(prompt: str) -> str:
    return input(prompt)


def _echoing_reader(console: Console) -> Reader:
    """In a pipe nothing echoes what was read; print it, so that the
    transcript reads like a terminal session."""

    def read(prompt: str) -> str:
        line = input(prompt)
        console.print(plain(line), soft_wrap=True)
        return line

    return read


def run(session: QuizSession, console: Console, *, lang: str, demo_seed: int = 0,
        read: Reader | None = None) -> Summary:
    """Run the session to its end (done, q, Ctrl-C or Ctrl-D) and show the summary."""
    if read is None:
        if sys.stdin.isatty():
            read = _default_reader
            try:
                import readline  # noqa: F401  (line editing for input(), incl. CJK input methods)
            except ImportError:
                pass
        else:
            read = _echoing_reader(console)
    total = len(session.items)
    try:
        while not session.finished:
            item = session.show()
            render_question(console, item, total, lang)
            feedback = _ask(session, item, console, read, lang)
            if feedback is None:
                continue
            render_feedback(console, feedback, lang)
            _after(item, console, read, lang, demo_seed, last=session.finished)
    except _Quit:
        session.end("quit")
    except EOFError:
        console.print()
        session.end("eof")
    except KeyboardInterrupt:
        console.print()
        session.end("interrupt")
    summary = session.summary()
    render_summary(console, summary, lang)
    return summary
