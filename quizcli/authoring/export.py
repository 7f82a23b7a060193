"""Export questions: Anki deck (in anki_export), CSV, Markdown study sheet, JSON (bank format).

JSON carries everything in both languages (it is bank format v1 as data, so
`quizcli import` turns it back into the same questions); the other formats
are for studying elsewhere and use one language (`lang`), with the usual
fallback marker where a user bank lacks it.

Bank text is anyone's, so each format is neutralised as its readers expect:
no raw control, bidi or zero-width character in any file (`safe`; JSON
writes them as \\u escapes, losslessly); CSV cells that a spreadsheet would
take for a formula (starting with = + - @, a tab or a carriage return, after
any spaces) get a leading ' (the OWASP rule) and every cell is quoted;
Markdown has its HTML and link brackets escaped; Anki fields are HTML.
"""

from __future__ import annotations

import csv
import re
import html
import io
import json
from typing import Any, Iterable

from quizcli.escaping import json_safe, safe
from quizcli.model import Bank, Choice, Library, Question, QuestionType, Text

FORMATS = ("anki", "csv", "markdown", "json")
# The most an export writes. Banks are bounded once their aliases are
# expanded (quizcli.bank.yamlio.MAX_EXPANDED_CHARS), but an export joins
# many banks; a real one is a few MiB.
MAX_EXPORT_BYTES = 256 * 1024 * 1024
CSV_COLUMNS = ("question", "answer", "tags", "explanation", "id", "bank", "type", "difficulty", "refs", "demo", "claim")
_LETTERS = "ABCDEFGH"
_WORDS = {"en": {"true": "true", "false": "false", "answer": "Answer", "refs": "Refs", "demo": "Demo",
                 "also": "also accepted", "claim": "Claim", "sheet": "Study sheet", "questions": "questions"},
          "zh": {"true": "对", "false": "错", "answer": "答案", "refs": "参考", "demo": "演示",
                 "also": "也接受", "claim": "论断", "sheet": "学习单", "questions": "道题"}}


def _text_chars(t: Text | None) -> int:
    return 0 if t is None else len(t.en or "") + len(t.zh or "")


def check_export_size(questions: list[Question]) -> None:
    """Refuse, before writing anything, an export that would pass MAX_EXPORT_BYTES.

    Counts the characters of every text of the questions in both languages
    (what JSON writes; the other formats write about half), times a margin
    for the markup, bytes per character and repeated fields.
    """
    from quizcli.errors import ExitCode, QuizcliError

    total = 0
    for q in questions:
        total += _text_chars(q.prompt) + _text_chars(q.explanation) + _text_chars(q.answer_text)
        total += sum(_text_chars(c.text) + _text_chars(c.why) for c in q.choices)
        total += sum(map(len, q.accept)) + sum(map(len, q.refs)) + sum(map(len, q.tags)) + 64
        if total * 2 > MAX_EXPORT_BYTES:
            raise QuizcliError(f"the export would be larger than {MAX_EXPORT_BYTES // 2 ** 20} MiB, "
                               "the most quizcli writes", hint="export fewer questions (--topic, --tag, --type)",
                               exit_code=ExitCode.BAD_INPUT)


def check_written_size(text: str) -> None:
    from quizcli.errors import ExitCode, QuizcliError

    if len(text) > MAX_EXPORT_BYTES // 4 and len(text.encode("utf-8")) > MAX_EXPORT_BYTES:
        raise QuizcliError(f"the export would be larger than {MAX_EXPORT_BYTES // 2 ** 20} MiB, "
                           "the most quizcli writes", hint="export fewer questions (--topic, --tag, --type)",
                           exit_code=ExitCode.BAD_INPUT)


# --- bank format as data (JSON, and import's YAML) -------------------------------------


def _text(t: Text | None) -> dict[str, str] | None:
    if t is None:
        return None
    return {lang: value for lang, value in (("en", t.en), ("zh", t.zh)) if value is not None}


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2 ** 53 else x


def question_data(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "type": q.type.value, "prompt": _text(q.prompt)}
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        choices = []
        for c in q.choices:
            choice: dict[str, Any] = {"text": _text(c.text), "correct": c.correct}
            if c.why is not None:
                choice["why"] = _text(c.why)
            choices.append(choice)
        out["choices"] = choices
    elif q.type is QuestionType.TRUE_FALSE:
        out["answer"] = q.answer_bool
    elif q.type is QuestionType.NUMERIC:
        out["answer"] = _number(q.answer_number)
        out["tolerance"] = _number(q.tolerance)
        if q.unit is not None:
            out["unit"] = q.unit
    elif q.type is QuestionType.SHORT_ANSWER:
        out["accept"] = list(q.accept)
        if q.unordered:
            out["unordered"] = True
        if q.answer_text is not None:
            out["answer"] = _text(q.answer_text)
    elif q.type is QuestionType.CODE:       # code exercises (#18)
        out["exercise"] = q.exercise
        out["hints"] = [_text(h) for h in q.hints]
    else:
        out["answer"] = _text(q.answer_text)
    if q.type is QuestionType.OPEN:        # #17
        out["key_points"] = [_key_point_data(p) for p in q.key_points]
        if q.follow_ups:
            out["follow_ups"] = [{k: v for k, v in f._asdict().items() if v is not None} for f in q.follow_ups]
    out.update(explanation=_text(q.explanation), tags=list(q.tags), difficulty=q.difficulty)
    for key in ("demo", "claim"):
        if getattr(q, key) is not None:
            out[key] = getattr(q, key)
    if q.refs:
        out["refs"] = list(q.refs)
    return out


def _key_point_data(p: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "text": _text(p.text),
                           "phrases": {"en": list(p.phrases.en), "zh": list(p.phrases.zh)}}
    if p.avoid.en or p.avoid.zh:
        out["avoid"] = {"en": list(p.avoid.en), "zh": list(p.avoid.zh)}
    return out


def bank_data(bank: Bank, questions: Iterable[Question]) -> dict[str, Any]:
    out: dict[str, Any] = {"format_version": bank.format_version, "id": bank.id, "title": _text(bank.title),
                           "description": _text(bank.description)}
    if bank.claims:
        out["claims"] = [{"id": c.id, "verdict": c.verdict.value, "summary": _text(c.summary),
                          **({"refs": list(c.refs)} if c.refs else {})} for c in bank.claims]
    out["questions"] = [question_data(q) for q in questions]
    return out


def _by_bank(library: Library, questions: list[Question]) -> list[tuple[Bank, list[Question]]]:
    wanted = {q.id for q in questions}
    groups = []
    for bank in library.banks:
        qs = [q for q in bank.questions if q.id in wanted]
        if qs:
            groups.append((bank, qs))
    return groups


def export_json(library: Library, questions: list[Question]) -> str:
    banks = [bank_data(b, qs) for b, qs in _by_bank(library, questions)]
    data: Any = banks[0] if len(banks) == 1 else {"banks": banks}
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


# --- one language, for studying ---------------------------------------------------------


def shown_choices(q: Question) -> list[tuple[str, Choice]]:
    """The choices lettered in the question's stable shuffled order (`Question.display_order`):
    the bank's order would make every answer "A" where authors list the right choice first."""
    return [(_LETTERS[pos], q.choices[i]) for pos, i in enumerate(q.display_order)]


def answer_text(q: Question, lang: str) -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return "; ".join(f"{letter}. {c.text.get(lang)}" for letter, c in shown_choices(q) if c.correct)
    if q.type is QuestionType.TRUE_FALSE:
        return words["true"] if q.answer_bool else words["false"]
    if q.type is QuestionType.NUMERIC:
        text = f"{q.answer_number:g}"
        if q.tolerance:
            text += f" ± {q.tolerance:g}"
        return text + (f" {q.unit}" if q.unit else "")
    if q.type is QuestionType.SHORT_ANSWER:
        main = q.answer_text.get(lang) if q.answer_text else q.accept[0]
        others = [a for a in q.accept if a != main]
        return main + (f" ({words['also']}: {', '.join(others)})" if others else "")
    if q.type is QuestionType.CODE:         # code exercises (#18): the reference solution
        return code_solution(q)
    main = q.answer_text.get(lang) if q.answer_text else ""
    if q.key_points:      # open questions (#17): the model answer, then its key points
        main += "\n" + "\n".join(f"- {p.text.get(lang)}" for p in q.key_points)
    return main


def code_solution(q: Question) -> str:
    """A code question's reference solution (its exercise's solution.py), for the back of a card."""
    from quizcli.exercise import folders

    try:
        return folders.for_question(q).solution.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return f"quizcli practice {q.id}"


def question_text(q: Question, lang: str) -> str:
    """The prompt, with the choices lettered in their stable shuffled order."""
    text = q.prompt.get(lang)
    if q.choices:
        text += "\n" + "\n".join(f"{letter}. {c.text.get(lang)}" for letter, c in shown_choices(q))
    elif q.type is QuestionType.TRUE_FALSE:
        words = _WORDS.get(lang, _WORDS["en"])
        text += f" ({words['true']} / {words['false']})"
    return text


# A cell a spreadsheet reads as a formula (OWASP "CSV injection"): these
# first characters, also in their full-width forms, after any spaces.
_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def csv_cell(value: Any) -> str:
    """A CSV cell that no spreadsheet runs and no terminal obeys."""
    text = safe(str(value))
    if text.lstrip(" ").startswith(_FORMULA_START):
        text = "'" + text
    return text


def export_csv(library: Library, questions: list[Question], lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for q in questions:
        writer.writerow([csv_cell(v) for v in (
            question_text(q, lang), answer_text(q, lang), " ".join(q.tags), q.explanation.get(lang),
            q.id, q.bank_id, q.type.value, q.difficulty, "; ".join(q.refs), q.demo or "", q.claim or "")])
    return out.getvalue()


def markdown_text(text: str) -> str:
    """Bank text for a Markdown file: no raw HTML (`<script>` is shown, not
    run), no link a reader could be fooled into following, no controls."""
    text = html.escape(safe(text), quote=False)
    return text.replace("[", "\\[").replace("]", "\\]")


def export_markdown(library: Library, questions: list[Question], lang: str) -> str:
    words = _WORDS.get(lang, _WORDS["en"])
    md = markdown_text
    lines = [f"# quizcli: {words['sheet']}", ""]
    n = 0
    for bank, qs in _by_bank(library, questions):
        lines += [f"## {md(bank.title.get(lang))} (`{md(bank.id)}`, {len(qs)} {words['questions']})", ""]
        for q in qs:
            n += 1
            lines.append(f"### {n}. {md(q.prompt.get(lang))}")
            lines.append("")
            lines.append(f"<sub>`{md(q.id)}` · {q.type.value} · {'★' * q.difficulty}"
                         + (f" · {' '.join('#' + md(t) for t in q.tags)}" if q.tags else "") + "</sub>")
            lines.append("")
            for letter, c in shown_choices(q):
                lines.append(f"- {letter}. {md(c.text.get(lang))}")
            if q.choices:
                lines.append("")
            if q.type is QuestionType.CODE:     # code exercises (#18): the reference solution, as code
                code = answer_text(q, lang).rstrip("\n")
                fence = "~" * max(4, 1 + max((len(r) for r in re.findall(r"~+", code)), default=0))
                lines += [f"**{words['answer']}:**", "", fence + "python", code, fence, ""]
                lines += [md(q.explanation.get(lang)), ""]
            else:
                lines += [f"**{words['answer']}:** {md(answer_text(q, lang))}", "", md(q.explanation.get(lang)), ""]
            if q.refs:
                lines += [f"*{words['refs']}:* " + md("; ".join(q.refs)), ""]
            if q.demo:
                lines += [f"*{words['demo']}:* `quizcli explain {md(q.id)}`", ""]
    return "\n".join(lines).rstrip() + "\n"


# --- Anki: quizcli/authoring/anki_export.py (one bilingual note type, the schedule) ---
