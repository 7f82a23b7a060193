"""Commands: topics, list, show."""

from __future__ import annotations

from pathlib import Path

import typer

from quizcli.commands import complete
from quizcli.commands.options import Bank, Difficulty, Json, Lang, Tag, Topic, Type, examples


def _setup(lang: str | None, bank: list[Path]):
    from quizcli import config
    from quizcli.bank import load_library

    return config.resolve_lang(lang), load_library(extra=bank, include_builtin=True)


def topics(
    lang: Lang = None,
    bank: Bank = [],
    as_json: Json = False,
) -> None:
    """List the banks (topics) with their question counts per type."""
    lang_, library = _setup(lang, bank)
    from quizcli.ui.output import Topics, emit

    emit(Topics(library), as_json=as_json, lang=lang_)


def list_(
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    lang: Lang = None,
    bank: Bank = [],
    as_json: Json = False,
) -> None:
    """List questions, filtered like `quizcli quiz` (without the answers)."""
    lang_, library = _setup(lang, bank)
    from quizcli.selection import make_filters, select
    from quizcli.ui.output import Questions, emit

    questions = select(library, make_filters(library, topic, tag, type_, difficulty))
    emit(Questions(questions), as_json=as_json, lang=lang_)


def show(
    question_id: str = typer.Argument(..., metavar="ID", help="A question id (see `quizcli list`).",
                                      autocompletion=complete.question_ids),
    lang: Lang = None,
    bank: Bank = [],
    as_json: Json = False,
) -> None:
    """Show one question with its answer, explanation, references, demo and the verdict on its claim."""
    lang_, library = _setup(lang, bank)
    from quizcli.errors import NotFoundError
    from quizcli.ui.output import Shown, emit

    question = library.question(question_id)
    if question is None:
        import difflib

        close = difflib.get_close_matches(question_id, [q.id for q in library.questions], n=3)
        hint = ("did you mean " + ", ".join(close) + "?") if close else "`quizcli list` shows every id"
        raise NotFoundError(f"no question with id {question_id!r}", hint=hint)
    from quizcli.bank.article import load_article

    article = load_article() if question.claim else None
    emit(Shown(question, library, article), as_json=as_json, lang=lang_)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("topics")(topics)
    app.command("list", short_help="List questions, filtered like `quizcli quiz`.", epilog=examples(
        "quizcli list --topic bn --type true_false",
        "quizcli list --tag pytorch --json",
    ))(list_)
    app.command("show", short_help="Show one question with its answer and explanation.", epilog=examples(
        "quizcli show bn-rnn-never --lang zh",
        "quizcli show bn-rnn-never --json",
    ))(show)
