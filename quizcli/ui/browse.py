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
from quizcli.model import Claim, Library, Question, QuestionType
from quizcli.selection import type_counts
from quizcli.ui.render import TYPE_LABEL, correct_answer
from quizcli.ui.text import bitext, plain

SHORT_TYPE = {
    QuestionType.SINGLE_CHOICE: "single",
    QuestionType.MULTIPLE_CHOICE: "multi",
    QuestionType.TRUE_FALSE: "t/f",
    QuestionType.NUMERIC: "num",
    QuestionType.SHORT_ANSWER: "short",
    QuestionType.FLASHCARD: "card",
    QuestionType.OPEN: "open",
    QuestionType.CODE: "code",          # #18
}


def article_lines(claim: Any, lang: str, verdict: Claim | None = None) -> list[Text]:
    """The article's own words on a claim (Chinese, quoted exactly), with the English statement in
    English mode and, when given, the literature's verdict beside it. Shown literally, like bank text."""
    section = claim.section
    line = Text("the article said: ", style="bold") + plain(f"「{claim.quote}」")
    if verdict is not None:
        color = {"true": "green", "nuanced": "yellow", "false": "red"}[verdict.verdict.value]
        line += Text(" — verdict: ") + Text(verdict.verdict.label, style=f"bold {color}")
    lines = [line]
    if lang != "zh":
        lines.append(Text("  ") + plain(f"(in English: {claim.statement})"))
    where = plain(f"  {section.number}. ", "dim") + bitext(section.title, lang, "dim")
    if claim.implicit:
        where += plain(f" (implied: {claim.implicit})" if lang != "zh" else "", "dim")
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
    numbers_w = len("total") + sum(max(3, len(SHORT_TYPE[t])) for t in types)
    side_by_side = id_w + title_w + numbers_w + 2 * (2 + len(types) + 1) + 2 <= console.width
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, expand=True)
    if side_by_side:
        table.add_column("topic", style="bold cyan", no_wrap=True)
        table.add_column("title", ratio=1, overflow="fold")
    else:
        table.add_column("topic", ratio=1, overflow="fold")
    table.add_column("total", justify="right", no_wrap=True)
    for t in types:
        table.add_column(SHORT_TYPE[t], justify="right", no_wrap=True)
    for bank, title in zip(library.banks, titles):
        counts = type_counts(bank)
        numbers = (str(len(bank.questions)), *(str(counts[t.value] or "·") for t in types))
        if side_by_side:
            table.add_row(plain(bank.id), title, *numbers)
        else:
            table.add_row(plain(bank.id, "bold cyan") + Text("\n") + title, *numbers)
    console.print(table)
    total = sum(len(b.questions) for b in library.banks)
    console.print(Text(f"{_count(len(library.banks), 'bank')}, {_count(total, 'question')}. "
                       "Quiz one with `quizcli quiz --topic ID`.", style="dim"))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
        table.add_column("id", style="bold cyan", no_wrap=True)
        table.add_column("topic", no_wrap=True, max_width=16, overflow="ellipsis")
        table.add_column("type", no_wrap=True, min_width=8)
        table.add_column("diff", justify="right", no_wrap=True, min_width=4)
        table.add_column("question", ratio=1, no_wrap=True, overflow="ellipsis", min_width=20)
        for q, prompt in zip(questions, prompts):
            table.add_row(plain(q.id), plain(q.bank_id), SHORT_TYPE[q.type], str(q.difficulty), prompt)
        console.print(table)
    else:
        for q, prompt in zip(questions, prompts):
            facts = Text(f"  {q.bank_id} · {SHORT_TYPE[q.type]} · difficulty {q.difficulty}", style="dim")
            console.print(plain(q.id, "bold cyan") + facts, no_wrap=True, overflow="ellipsis")
            console.print(Text("  ") + prompt, no_wrap=True, overflow="ellipsis")
    console.print(Text(f"{_count(len(questions), 'question')}. See one with `quizcli show ID`.", style="dim"))


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
    body += [Text(""), Text("Answer: ", style="bold") + correct_answer(q, lang, q.display_order)]
    if q.key_points:
        points = Table.grid(padding=(0, 1))
        points.add_column(no_wrap=True)
        points.add_column(ratio=1)
        for p in q.key_points:
            points.add_row(Text("  •"), bitext(p.text, lang) + Text("  ") + plain(p.id, "dim"))
        body += [Text(""), Text("Key points", style="bold"), points]
    if q.follow_ups:
        ups = [f.id + (f" (when {f.point} is {f.when})" if f.when else "") for f in q.follow_ups]
        body += [Text("follow-ups: ", style="bold") + plain(", ".join(ups), "dim")]
    body += [Text(""), Text("Explanation", style="bold"), bitext(q.explanation, lang)]
    if q.refs:
        refs = Table.grid(padding=(0, 1))
        refs.add_column(no_wrap=True)
        refs.add_column(ratio=1)
        for ref in q.refs:
            refs.add_row(Text("  •"), plain(ref, "dim"))
        body += [Text(""), Text("References", style="bold"), refs]
    meta = Text("tags: ", style="bold") + plain(", ".join(q.tags) or "-") + Text("   difficulty: ", style="bold") + Text(str(q.difficulty))
    body += [Text(""), meta]
    if q.demo:
        body.append(Text("demo: ", style="bold") + plain(q.demo)
                    + Text("  run it: ", style="dim") + plain(f"quizcli explain {q.id}", "dim"))
    if q.claim:
        line = Text("claim: ", style="bold") + plain(q.claim)
        claim = library.claim(q.claim)
        if claim is not None:
            color = {"true": "green", "nuanced": "yellow", "false": "red"}[claim.verdict.value]
            line += Text(" — ") + Text(claim.verdict.label, style=f"bold {color}")
        body.append(line)
        if claim is not None:
            body.append(Padding(bitext(claim.summary, lang, "dim"), (0, 0, 0, 2)))
        said = article.claim(q.claim) if article is not None else None
        if said is not None:
            body += article_lines(said, lang)
        if claim is not None and claim.no_demo is not None and not q.demo:
            body.append(Text("no demo: ", style="bold") + bitext(claim.no_demo, lang))
    src = q.source + (f":{q.line}" if q.line else "")
    if src:
        body.append(Text("source: ", style="bold") + plain(src, "dim"))
    title = plain(q.id, "bold") + Text(f" · {q.bank_id} · {TYPE_LABEL[q.type]}")
    console.print(Panel(Group(*body), title=title, title_align="left", border_style="blue"))
