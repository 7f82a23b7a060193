"""Commands: topics, list, show."""

from __future__ import annotations

from pathlib import Path

import typer

from quizcli.commands import complete
from quizcli.commands.options import Bank, Difficulty, Lang, Tag, Topic, Type, examples


JSON_HELP = "Print JSON (both languages, every field) instead of a table."


def _setup(lang: str | None, bank: list[Path]):
    """The language, the bank index and a console. The index (quizcli.bank.index),
    not the full library: with 100,000 questions it answers in a fraction of the
    time, and builds only the questions shown."""
    from quizcli import config
    from quizcli.bank.index import load_index
    from quizcli.ui.text import make_console

    return config.resolve_lang(lang), load_index(extra=bank, include_builtin=True), make_console()


def topics(
    lang: Lang = None,
    bank: Bank = [],
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List the banks (topics) with their question counts per type."""
    lang_, index, console = _setup(lang, bank)
    from quizcli.model import Library
    from quizcli.ui import browse as ui

    banks = index.bank_views()
    if as_json:
        ui.print_json(console, [ui.bank_dict(b) for b in banks])
    else:
        ui.render_topics(console, Library(banks=banks), lang_)


def list_(
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    lang: Lang = None,
    bank: Bank = [],
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List questions, filtered like `quizcli quiz` (without the answers)."""
    lang_, index, console = _setup(lang, bank)
    from quizcli.selection import make_filters, select
    from quizcli.ui import browse as ui

    questions = [index.question(q.id, q.bank_id) for q in select(index, make_filters(index, topic, tag, type_, difficulty))]
    if as_json:
        ui.print_json(console, [ui.question_summary_dict(q) for q in questions])
    else:
        ui.render_list(console, questions, lang_)


def show(
    question_id: str = typer.Argument(..., metavar="ID", help="A question id (see `quizcli list`).",
                                      autocompletion=complete.question_ids),
    lang: Lang = None,
    bank: Bank = [],
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show one question with its answer, explanation, references, demo and the verdict on its claim."""
    lang_, library, console = _setup(lang, bank)
    from quizcli.errors import NotFoundError
    from quizcli.ui import browse as ui

    try:
        question = library.question(question_id) if library.info(question_id) is not None else None
    except KeyError:
        question = None
    if question is None:
        import difflib

        close = difflib.get_close_matches(question_id, [q.id for q in library.questions], n=3)
        hint = ("did you mean " + ", ".join(close) + "?") if close else "`quizcli list` shows every id"
        raise NotFoundError(f"no question with id {question_id!r}", hint=hint)
    from quizcli.bank.article import load_article

    article = load_article() if question.claim else None
    if as_json:
        ui.print_json(console, ui.question_dict(question, library, article))
    else:
        ui.render_question(console, question, library, lang_, article)


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
