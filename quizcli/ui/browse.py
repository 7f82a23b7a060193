"""Browsing banks: `topics`, `list` and `show` as tables, in one language.

(Their JSON, both languages and every field, is written by ui/output.py.)
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli import answers
from quizcli.i18n import N_, _, ngettext, pgettext
from quizcli.model import Claim, Library, Question, QuestionType
from quizcli.selection import type_counts
from quizcli.ui.render import TYPE_LABEL, correct_answer
from quizcli.ui.text import bitext, plain

SHORT_TYPE = {
    QuestionType.SINGLE_CHOICE: N_("single"),
    QuestionType.MULTIPLE_CHOICE: N_("multi"),
    QuestionType.TRUE_FALSE: N_("t/f"),
    QuestionType.NUMERIC: N_("num"),
    QuestionType.SHORT_ANSWER: N_("short"),
    QuestionType.FLASHCARD: N_("card"),
    QuestionType.OPEN: N_("open"),
    QuestionType.CODE: N_("code"),          # #18
}
VERDICT_COLOR = {"true": "green", "nuanced": "yellow", "false": "red"}


def _short(t: QuestionType) -> str:
    """A question type's column label, in the interface's language."""
    return _(SHORT_TYPE[t])


def verdict_words(verdict: Any) -> str:
    """A claim's verdict in the interface's language (成立 / 部分成立 / 按原文表述不成立)."""
    if verdict.value == "true":
        return pgettext("verdict", "true")
    if verdict.value == "nuanced":
        return pgettext("verdict", "nuanced")
    return pgettext("verdict", "false as stated")


def article_lines(claim: Any, lang: str, verdict: Claim | None = None) -> list[Text]:
    """The article's own words on a claim (Chinese, quoted exactly), with the English statement in
    English mode and, when given, the literature's verdict beside it. Shown literally, like bank text."""
    section = claim.section
    line = Text(_("the article said: "), style="bold") + plain(f"「{claim.quote}」")
    if verdict is not None:
        color = VERDICT_COLOR[verdict.verdict.value]
        line += Text(_(" — verdict: ")) + Text(verdict_words(verdict.verdict), style=f"bold {color}")
    lines = [line]
    if lang != "zh":
        lines.append(Text("  ") + plain(_("(in English: {statement})").format(statement=claim.statement)))
    where = plain(f"  {section.number}. ", "dim") + bitext(section.title, lang, "dim")
    if claim.implicit:
        where += plain(_(" (implied: {implicit})").format(implicit=claim.implicit) if lang != "zh" else "", "dim")
    lines.append(where)
    return lines


# --------------------------------------------------------------------------
# Tables


def render_topics(console: Console, library: Library, lang: str) -> None:
    titles = []
    for bank in library.banks:
        title = bitext(bank.title, lang)
        if not bank.builtin:
            title += Text("\n") + plain(bank.source, "dim")
        titles.append(title)
    # Eight number columns leave too little room for a title beside the id at
    # 80 columns (a Chinese title wrapped 2-6 characters a line): when they do
    # not fit side by side, the title goes under the id.
    id_w = max((cell_len(b.id) for b in library.banks), default=5)
    title_w = max((max(map(cell_len, t.plain.split("\n"))) for t in titles), default=5)
    # A column per type that some bank has: a new type costs no room until a bank uses it.
    types = [t for t in QuestionType if any(q.type is t for b in library.banks for q in b.questions)]
    numbers_w = cell_len(_("total")) + sum(max(3, cell_len(_short(t))) for t in types)
    side_by_side = id_w + title_w + numbers_w + 2 * (2 + len(types) + 1) + 2 <= console.width
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, expand=True)
    if side_by_side:
        table.add_column(_("topic"), style="bold cyan", no_wrap=True)
        table.add_column(_("title"), ratio=1, overflow="fold")
    else:
        table.add_column(_("topic"), ratio=1, overflow="fold")
    table.add_column(_("total"), justify="right", no_wrap=True)
    for t in types:
        table.add_column(_short(t), justify="right", no_wrap=True)
    for bank, title in zip(library.banks, titles):
        counts = type_counts(bank)
        numbers = (str(len(bank.questions)), *(str(counts[t.value] or "·") for t in types))
        if side_by_side:
            table.add_row(plain(bank.id), title, *numbers)
        else:
            table.add_row(plain(bank.id, "bold cyan") + Text("\n") + title, *numbers)
    console.print(table)
    total = sum(len(b.questions) for b in library.banks)
    console.print(Text(_("{banks}, {questions}. Quiz one with `quizcli quiz --topic ID`.").format(
        banks=ngettext("{n} bank", "{n} banks", len(library.banks)).format(n=len(library.banks)),
        questions=_questions(total)), style="dim"))


def _questions(n: int) -> str:
    return ngettext("{n} question", "{n} questions", n).format(n=n)


def render_list(console: Console, questions: list[Question], lang: str) -> None:
    prompts = []
    for q in questions:
        prompt = bitext(q.prompt, lang)
        prompt.plain = prompt.plain.replace("\n", " ") if "\n" in prompt.plain else prompt.plain
        prompts.append(prompt)
    id_w = max((cell_len(q.id) for q in questions), default=2)
    topic_w = min(16, max((cell_len(q.bank_id) for q in questions), default=5))
    # Long ids (40 columns) left the question 8 columns at 80: then each
    # question takes two lines, the id with its facts, the prompt under it.
    if id_w + topic_w + 8 + 4 + 2 * 5 + 30 <= console.width:
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, expand=True)
        table.add_column(_("id"), style="bold cyan", no_wrap=True)
        table.add_column(_("topic"), no_wrap=True, max_width=16, overflow="ellipsis")
        table.add_column(_("type"), no_wrap=True, min_width=8)
        table.add_column(_("diff"), justify="right", no_wrap=True, min_width=4)
        table.add_column(_("question"), ratio=1, no_wrap=True, overflow="ellipsis", min_width=20)
        for q, prompt in zip(questions, prompts):
            table.add_row(plain(q.id), plain(q.bank_id), _short(q.type), str(q.difficulty), prompt)
        console.print(table)
    else:
        for q, prompt in zip(questions, prompts):
            facts = plain(f"  {q.bank_id} · ", "dim") + Text(
                f"{_short(q.type)} · " + _("difficulty {level}").format(level=q.difficulty), style="dim")
            console.print(plain(q.id, "bold cyan") + facts, no_wrap=True, overflow="ellipsis")
            console.print(Text("  ") + prompt, no_wrap=True, overflow="ellipsis")
    console.print(Text(_("{questions}. See one with `quizcli show ID`.").format(questions=_questions(len(questions))),
                       style="dim"))


def render_question(console: Console, q: Question, library: Library, lang: str, article: Any = None) -> None:
    body: list = [bitext(q.prompt, lang, "bold")]
    if q.choices:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for i, choice in enumerate(q.choices[k] for k in q.display_order):
            mark = Text("✓", style="green") if choice.correct else Text(" ")
            text = bitext(choice.text, lang)
            if choice.why is not None:
                text += Text("\n") + bitext(choice.why, lang, "dim")
            grid.add_row(mark + Text(f" {answers.LETTERS[i]})", style="bold"), text)
        body += [Text(""), grid]
    body += [Text(""), Text(_("Answer: "), style="bold") + correct_answer(q, lang, q.display_order)]
    if q.key_points:
        points = Table.grid(padding=(0, 1))
        points.add_column(no_wrap=True)
        points.add_column(ratio=1)
        for p in q.key_points:
            points.add_row(Text("  •"), bitext(p.text, lang) + Text("  ") + plain(p.id, "dim"))
        body += [Text(""), Text(_("Key points"), style="bold"), points]
    if q.follow_ups:
        when = {"missed": N_(" (when {point} is missed)"), "covered": N_(" (when {point} is covered)")}
        ups = [f.id + (_(when[f.when]).format(point=f.point) if f.when in when else "") for f in q.follow_ups]
        body += [Text(_("follow-ups: "), style="bold") + plain(_(", ").join(ups), "dim")]
    body += [Text(""), Text(_("Explanation"), style="bold"), bitext(q.explanation, lang)]
    if q.refs:
        refs = Table.grid(padding=(0, 1))
        refs.add_column(no_wrap=True)
        refs.add_column(ratio=1)
        for ref in q.refs:
            refs.add_row(Text("  •"), plain(ref, "dim"))
        body += [Text(""), Text(_("References"), style="bold"), refs]
    meta = (Text(_("tags: "), style="bold") + plain(", ".join(q.tags) or "-")
            + Text("   " + _("difficulty: "), style="bold") + Text(str(q.difficulty)))
    body += [Text(""), meta]
    if q.demo:
        body.append(Text(_("demo: "), style="bold") + plain(q.demo)
                    + Text("  " + _("run it: "), style="dim") + plain(f"quizcli explain {q.id}", "dim"))
    if q.claim:
        line = Text(_("claim: "), style="bold") + plain(q.claim)
        claim = library.claim(q.claim)
        if claim is not None:
            color = VERDICT_COLOR[claim.verdict.value]
            line += Text(" — ") + Text(verdict_words(claim.verdict), style=f"bold {color}")
        body.append(line)
        if claim is not None:
            body.append(Padding(bitext(claim.summary, lang, "dim"), (0, 0, 0, 2)))
        said = article.claim(q.claim) if article is not None else None
        if said is not None:
            body += article_lines(said, lang)
        if claim is not None and claim.no_demo is not None and not q.demo:
            body.append(Text(_("no demo: "), style="bold") + bitext(claim.no_demo, lang))
    src = q.source + (f":{q.line}" if q.line else "")
    if src:
        body.append(Text(_("source: "), style="bold") + plain(src, "dim"))
    title = plain(q.id, "bold") + Text(" · ") + plain(q.bank_id) + Text(f" · {_(TYPE_LABEL[q.type])}")
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="blue"))
