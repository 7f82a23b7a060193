"""Commands: topics, list, show."""

from __future__ import annotations

from pathlib import Path

import typer

from quizcli.commands import complete
from quizcli.commands.options import Bank, Command, Difficulty, Json, Lang, Tag, Topic, Type, examples
from quizcli.i18n import N_


def _setup(lang: str | None, bank: list[Path]):
    """The language and the bank index (quizcli.bank.index), not the full
    library: with 100,000 questions it answers in a fraction of the time,
    and builds only the questions shown."""
    from quizcli import config
    from quizcli.bank.index import load_index

    return config.resolve_lang(lang), load_index(extra=bank, include_builtin=True)


def topics(
    lang: Lang = None,
    bank: Bank = [],
    as_json: Json = False,
) -> None:
    """List the banks (topics) with their question counts per type."""
    lang_, index = _setup(lang, bank)
    from quizcli.model import Library
    from quizcli.ui.output import Topics, emit

    emit(Topics(Library(banks=index.bank_views())), as_json=as_json, lang=lang_)


def list_(
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    lang: Lang = None,
    bank: Bank = [],
    as_json: Json = False,
    flagged: bool = typer.Option(False, "--flagged", help="Only cards you flagged (`*` in a quiz or a review)."),
    suspended: bool = typer.Option(False, "--suspended", help="Only cards suspended (`!` in `quizcli review`, or leeches)."),
) -> None:
    """List questions, filtered like `quizcli quiz` (without the answers).

    `--flagged` and `--suspended` look at your progress: the cards you
    flagged (in a quiz or a review) or suspended (in a review); both: either.
    """
    lang_, index = _setup(lang, bank)
    from quizcli.selection import make_filters, select
    from quizcli.ui.output import Questions, emit

    matching = select(index, make_filters(index, topic, tag, type_, difficulty))
    empty = ""
    if flagged or suspended:
        from quizcli.store import open_store

        with open_store(readonly=True) as store:
            wanted = (store.flagged_ids() if flagged else set()) | (store.suspended_ids() if suspended else set())
        matching = [q for q in matching if q.id in wanted]
        if not matching:
            from quizcli.i18n import _

            empty = _("No flagged or suspended card matches.") if flagged and suspended else (
                _("No flagged card matches (`*` flags a card in a quiz or a review).") if flagged
                else _("No suspended card matches (`!` suspends a card in `quizcli review`)."))
    emit(Questions([q.full() for q in matching], empty), as_json=as_json, lang=lang_)


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

    try:
        question = library.question(question_id) if library.info(question_id) is not None else None
    except KeyError:
        question = None
    if question is None:
        import difflib

        close = difflib.get_close_matches(question_id, [q.id for q in library.questions], n=3)
        from quizcli.i18n import _

        hint = _("did you mean {ids}?").format(ids=", ".join(close)) if close else _("`quizcli list` shows every id")
        raise NotFoundError(_("no question with id {id}").format(id=repr(question_id)), hint=hint)
    from quizcli.bank.article import load_article

    article = load_article() if question.claim else None
    emit(Shown(question, library, article), as_json=as_json, lang=lang_)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("topics", cls=Command, short_help=N_("List the banks (topics) with their question counts per type."), epilog=examples(
    "quizcli topics",
    "quizcli topics --lang zh",
    "quizcli topics --bank my_notes.yaml --json",
))(topics)
    app.command("list", cls=Command, short_help=N_("List questions, filtered like `quizcli quiz`."), epilog=examples(
        "quizcli list --topic bn --type true_false",
        "quizcli list --tag pytorch --json",
        "quizcli list --flagged            the cards you flagged (`*` in a quiz or a review)",
    ))(list_)
    app.command("show", cls=Command, short_help=N_("Show one question with its answer and explanation."), epilog=examples(
        "quizcli show bn-rnn-never --lang zh",
        "quizcli show bn-rnn-never --json",
    ))(show)
