"""Rendering a question: the question panel with its choices, the answer,
the feedback after an answer and the back of a flashcard. Shared by the
quiz, the review and `quizcli show`."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli import answers
from quizcli.i18n import N_, _
from quizcli.model import Question, QuestionType
from quizcli.sessions.quiz import Feedback, Item
from quizcli.ui.keys import key_hints
from quizcli.ui.text import bitext, plain

TYPE_LABEL = {
    QuestionType.SINGLE_CHOICE: N_("single choice"),
    QuestionType.MULTIPLE_CHOICE: N_("multiple choice"),
    QuestionType.TRUE_FALSE: N_("true or false"),
    QuestionType.NUMERIC: N_("number"),
    QuestionType.SHORT_ANSWER: N_("short answer"),
    QuestionType.FLASHCARD: N_("flashcard"),
    QuestionType.OPEN: N_("open question"),
    QuestionType.CODE: N_("code exercise"),     # #18
}


def _answer_keys(item: Item) -> Text:
    q = item.question
    n = len(item.order)
    how = {
        QuestionType.SINGLE_CHOICE: (f"a-{answers.LETTERS[n - 1]}", _("answer")),
        QuestionType.MULTIPLE_CHOICE: ("a,c", _("every correct letter")),
        QuestionType.TRUE_FALSE: ("t/f", _("true or false (y/n, 对/错)")),
        QuestionType.NUMERIC: ("", _("type a number")),
        QuestionType.SHORT_ANSWER: ("", _("type your answer")),
        QuestionType.FLASHCARD: ("Enter", _("show the answer")),
        QuestionType.OPEN: ("Enter", _("answer in your head, then see the key points")),
        QuestionType.CODE: ("", _("run `quizcli practice {id}`").format(id=q.id)),    # #18
    }[q.type]
    skip = ("s", _("skip")) if q.type.self_graded else ("Enter/s", _("skip"))
    return key_hints(how, skip, ("q", _("quit")), ("?", _("help")))


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
            text += Text(_("  (missed)"), style="yellow")
        if reveal and choice.why is not None:     # every choice: why it is right or wrong
            text += Text("\n") + bitext(choice.why, lang, "dim")
        grid.add_row(Text(mark, style=style) + Text(f" {answers.LETTERS[pos]})", style="bold"), text)
    return grid


def render_question(console: Console, item: Item, total: int, lang: str, *, flagged: bool = False) -> None:
    q = item.question
    body: list = [bitext(q.prompt, lang, "bold")]
    if q.choices:
        body.append(Text(""))
        body.append(_choice_lines(item, lang))
    hints = []
    if q.type is QuestionType.MULTIPLE_CHOICE:
        hints.append(_("pick all that apply"))
    elif q.type is QuestionType.NUMERIC:
        if q.unit:
            hints.append(_("in {unit}").format(unit=q.unit))
        if q.tolerance:
            hints.append(_("within ±{tolerance}").format(tolerance=answers.format_number(q.tolerance)))
    if hints:
        body.append(plain(_(", ").join(hints), "dim italic"))
    title = Text(f"{item.number}/{total} · ") + plain(q.bank_id) + Text(" · " + _(TYPE_LABEL[q.type]) + " · " + _("difficulty {level}").format(level=q.difficulty))
    if flagged:      # flagged with `*` in a review
        title += Text(" · ") + Text(_("flagged"), style="bold yellow")
    console.print()
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="blue", expand=True))
    console.print(_answer_keys(item))


def correct_answer(q: Question, lang: str, order: tuple[int, ...] | None = None) -> Text:
    """The right answer to `q`, as one line (choices by their shown letters)."""
    if q.choices:
        order = order if order is not None else tuple(range(len(q.choices)))
        parts = [Text(f"{answers.LETTERS[pos]}) ", style="bold") + bitext(q.choices[i].text, lang)
                 for pos, i in enumerate(order) if q.choices[i].correct]
        return Text(_("; ")).join(parts)
    if q.type is QuestionType.TRUE_FALSE:
        return Text(_("true") if q.answer_bool else _("false"), style="bold")
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
            main += Text(_("   also accepted: "), style="dim") + plain(_(", ").join(others), "dim")
        return main
    if q.type is QuestionType.CODE:     # #18: the answer is code, graded by `quizcli practice`
        return Text("code, graded by running it: ", style="bold") + plain(f"quizcli practice {q.id}")
    return bitext(q.answer_text, lang, "bold")


def key_point_lines(q: Question, lang: str) -> list:
    """An open question's key points, as bullets (nothing for other types)."""
    if not q.key_points:
        return []
    grid = _grid({"no_wrap": True}, {"ratio": 1})
    for point in q.key_points:
        grid.add_row(Text("  •"), bitext(point.text, lang))
    return [Text(""), Text(_("Key points"), style="bold"), grid]


def _details(q: Question, lang: str) -> list:
    lines: list = [bitext(q.explanation, lang)]
    if q.refs:
        lines.append(Text(""))
        lines.append(Text(_("References"), style="bold"))
        refs = _grid({"no_wrap": True}, {"ratio": 1})
        for ref in q.refs:
            refs.add_row(Text("  •"), plain(ref, "dim"))
        lines.append(refs)
    return lines


def render_feedback(console: Console, fb: Feedback, lang: str) -> None:
    q = fb.item.question
    body: list = []
    if q.type.self_graded:
        grade_name = _({1: "again", 2: "hard", 3: "good", 4: "easy"}[fb.grade or 1])
        head = Text(_("Graded: {grade}").format(grade=grade_name), style="bold " + ("green" if fb.correct else "yellow"))
        console.print(Text("  ") + head)
        return
    head = Text(_("✓ Correct"), style="bold green") if fb.correct else Text(_("✗ Wrong"), style="bold red")
    if not fb.correct:
        shown = plain(fb.given.strip()) if not q.choices else Text(_(", ").join(answers.LETTERS[i] for i in fb.picked))
        head += Text(_("  (you said: "), style="dim") + shown + Text(_(")"), style="dim")
    body.append(head)
    if q.choices:
        body.append(_choice_lines(fb.item, lang, reveal=True, picked=fb.picked))
    else:
        body.append(Text(_("Answer: "), style="bold") + correct_answer(q, lang, fb.item.order))
    body.append(Text(""))
    body.extend(_details(q, lang))
    console.print(Panel(Group(*body), border_style="green" if fb.correct else "red", expand=True))


def render_skipped(console: Console, item: Item, lang: str) -> None:
    """A skipped question's answer: skipping is no reason not to learn it."""
    console.print(Text(_("  skipped · answer: "), style="yellow") + correct_answer(item.question, lang, item.order))


def render_reveal(console: Console, item: Item, lang: str) -> None:
    """The back of a flashcard, before the user grades it."""
    q = item.question
    body = [Text(_("Answer"), style="bold"), correct_answer(q, lang), *key_point_lines(q, lang), Text(""),
            *_details(q, lang)]
    console.print(Panel(Group(*body), border_style="cyan", expand=True))
