"""Every per-type table covers every question type, so a new type cannot be
half added: the validator and the JSON Schema, grading, rendering (the
quiz, `show`, `list`), the filters and `--type`'s help, and every export
format. Iterates QuestionType: a type added to the model and missing from
any of these fails here, with the place to add it.

The questions come from `quizcli bank new`'s template, which must hold one
question of every type (it is what a new author starts from).
"""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from quizcli import answers
from quizcli.authoring import export as ex
from quizcli.authoring.new import new_bank_text
from quizcli.authoring.schema import build as build_schema
from quizcli.bank import load_library, validate, validate_paths
from quizcli.commands.options import TYPE_HELP
from quizcli.model import QuestionType
from quizcli.selection import TYPE_ALIASES, choice_order
from quizcli.sessions.quiz import Feedback, Item
from quizcli.ui import browse as ui_browse
from quizcli.ui import render

ALL = list(QuestionType)


@pytest.fixture
def template(tmp_path, no_builtin):
    path = tmp_path / "types.yaml"
    path.write_text(new_bank_text("types", schema=None), encoding="utf-8")
    from quizcli.authoring.new import new_exercise_files

    for rel, text in new_exercise_files("types").items():     # the code question's files (#18)
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def by_type(template):
    library = load_library(extra=[template], include_builtin=False)
    return library, {q.type: q for q in library.questions}


def _console() -> Console:
    return Console(file=io.StringIO(), width=100, color_system=None)


def right_answer(q) -> str | None:
    """What a user types to answer `q` right (None: the user grades it).
    A new type must say here how it is answered."""
    how = {
        QuestionType.SINGLE_CHOICE: lambda: ",".join(answers.LETTERS[i] for i in q.correct_indices),
        QuestionType.MULTIPLE_CHOICE: lambda: ",".join(answers.LETTERS[i] for i in q.correct_indices),
        QuestionType.TRUE_FALSE: lambda: "t" if q.answer_bool else "f",
        QuestionType.NUMERIC: lambda: answers.format_number(q.answer_number),
        QuestionType.SHORT_ANSWER: lambda: q.accept[0],
        QuestionType.FLASHCARD: lambda: None,
        QuestionType.OPEN: lambda: None,          # graded by the user in quiz and review; `interview` marks key points
        QuestionType.CODE: lambda: None,        # answered with code: `quizcli practice` grades it
    }
    assert q.type in how, f"tests/test_question_types.py: say how a {q.type.value} question is answered"
    return how[q.type]()


def test_the_template_has_a_question_of_every_type(template, by_type):
    _, questions = by_type
    missing = [t.value for t in ALL if t not in questions]
    assert missing == [], f"add a question of type {missing} to quizcli/authoring/new.py's template"
    assert validate_paths([template], against_builtin=False) == []


def test_the_validator_and_the_schema_know_every_type(template):
    jsonschema = pytest.importorskip("jsonschema")
    values = {t.value for t in ALL}
    assert set(validate.TYPES) == values
    assert set(validate.ANSWER_KEYS) == values and set(validate.QUESTION_SPECS) == values
    schema = build_schema()
    text = json.dumps(schema)
    for value in values:     # the type's enum entry and its own if/then rule
        assert f'"const": "{value}"' in text, f"authoring/schema.py has no rule for {value} questions"
    import yaml

    jsonschema.validate(yaml.safe_load(template.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize("qtype", ALL, ids=lambda t: t.value)
def test_grading(by_type, qtype):
    q = by_type[1][qtype]
    raw = right_answer(q)
    if raw is None:
        with pytest.raises(ValueError):
            answers.check(q, "a")
        return
    assert answers.check(q, raw).correct, f"answers.check does not grade a right {qtype.value} answer as right"


@pytest.mark.parametrize("qtype", ALL, ids=lambda t: t.value)
def test_rendering(by_type, qtype):
    library, questions = by_type
    q = questions[qtype]
    assert qtype in render.TYPE_LABEL and qtype in ui_browse.SHORT_TYPE
    item = Item(1, q, choice_order(q, 0))
    console = _console()
    render.render_question(console, item, 1, "en")
    render.render_reveal(console, item, "en")
    render.render_feedback(console, Feedback(item, False, "zzz", 1 if right_answer(q) is None else None), "en")
    assert render.correct_answer(q, "en").plain.strip(), f"ui/render.correct_answer shows nothing for {qtype.value}"
    ui_browse.render_question(console, q, library, "en")
    ui_browse.render_list(console, [q], "en")
    out = console.file.getvalue()
    assert render.TYPE_LABEL[qtype] in out


@pytest.mark.parametrize("qtype", ALL, ids=lambda t: t.value)
def test_filters_and_help(qtype):
    assert qtype in TYPE_ALIASES.values() and TYPE_ALIASES[qtype.value] is qtype
    assert qtype.value in TYPE_HELP, "commands/options.py TYPE_HELP lists the types"


@pytest.mark.parametrize("qtype", ALL, ids=lambda t: t.value)
def test_every_export_format(by_type, qtype, tmp_path):
    library, questions = by_type
    q = questions[qtype]
    for lang in ("en", "zh"):
        assert ex.answer_text(q, lang).strip(), f"authoring/export.answer_text is empty for {qtype.value}"
        assert q.id in ex.export_csv(library, [q], lang)
        assert ex.answer_text(q, lang) in ex.export_markdown(library, [q], lang)
    data = json.loads(ex.export_json(library, [q]))
    assert json.dumps(data).count(q.id) >= 1
    assert set(ex.FORMATS) == {"anki", "csv", "markdown", "json"}, "a new format needs its row in this test"
    pytest.importorskip("genanki")
    from datetime import datetime, timezone

    from quizcli.authoring.anki_export import export_anki

    export_anki(library, [q], "en", tmp_path / "deck.apkg", datetime.now(timezone.utc))
    assert (tmp_path / "deck.apkg").stat().st_size > 0
