"""Command: quiz."""

from __future__ import annotations

from typing import Optional

import typer

from quizcli.commands.options import Bank, Command, Difficulty, Lang, Tag, Topic, Type, examples
from quizcli.i18n import N_


def quiz(
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    count: Optional[int] = typer.Option(None, "-n", "--count", min=0, metavar="N",
                                        help="How many questions; 0 for all. Default: `count` in the config file, else 10."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="INT", help="Seed for the order of questions and choices; the same seed and filters ask the same quiz. Demos (`d`) keep their own default seed."),
    lang: Lang = None,
    bank: Bank = [],
    missed: bool = typer.Option(False, "--missed", help="Only questions answered wrong or skipped the last time."),
    unseen: bool = typer.Option(False, "--unseen", help="Only questions never asked (never answered nor skipped)."),
    due: bool = typer.Option(False, "--due", help="Only questions due for review (practice them without moving the schedule)."),
    flagged: bool = typer.Option(False, "--flagged", help="Only questions you flagged (`*` in a quiz or a review)."),
) -> None:
    """Start a quiz in the terminal.

    After each answer you see whether it was right, the answer (every
    choice with why it is right or wrong), the explanation and references;
    where a demo backs the answer, `d` runs it; after an answer marked wrong,
    `r` says "I was right" (it counts as right, stored as overridden).
    Enter or `s` skips and shows the answer, `q` quits, `?` shows the keys;
    Ctrl-C and Ctrl-D also end the quiz with the summary. `*` flags a
    question (as in `quizcli review`); a flagged one says so when it is
    asked, and `--flagged` asks only those. `--missed`, `--unseen`, `--due` and `--flagged` together ask
    the questions that are any of them.
    """
    from quizcli import config as config_mod
    from quizcli.bank.index import load_index
    from quizcli.errors import ExitCode, NotFoundError
    from quizcli.selection import make_filters, new_seed, select
    from quizcli.sessions.quiz import QuizSession
    from quizcli.store import flagger, overrider, recorder, skipper
    from quizcli.ui import quiz as ui
    from quizcli.ui.text import make_console

    cfg = config_mod.load()
    lang_ = config_mod.resolve_lang(lang, cfg)
    # The index, not the full library: only the questions asked are built.
    library = load_index(extra=bank, include_builtin=True)
    if bank:
        # A --bank may bring its own demos/ folder: the `d` key must find them
        # (registry is standard library only: no torch here).
        from quizcli.demo import registry

        registry.use_banks(bank)
    filters = make_filters(library, topic, tag, type_, difficulty)
    questions = select(library, filters)
    # Code exercises (#18) are answered with code: `quizcli practice`, not the quiz.
    from quizcli.model import QuestionType

    asked = [q for q in questions if q.type is not QuestionType.CODE]
    code, questions = len(questions) - len(asked), asked
    if code and not questions:
        raise NotFoundError("code exercises are not asked in a quiz",
                            hint="practise them with `quizcli practice` (`quizcli practice --list`)")
    record = recorder()
    history = missed or unseen or due or flagged
    if history:
        questions = _by_history(questions, record.store, missed=missed, unseen=unseen, due=due, flagged=flagged)
    if not questions:
        from quizcli.i18n import _

        raise NotFoundError(_("no questions match these filters"),
                            hint=_("loosen them; `quizcli list` with the same filters shows what matches")
                                 + (_("; --missed, --unseen, --due and --flagged look at your progress (`quizcli stats`)")
                                    if history else ""))
    session = QuizSession(
        questions, seed=seed if seed is not None else new_seed(),
        count=cfg.count if count is None else count,
        # The one seam for progress: the store's recorder plugs in here.
        on_answer=record, on_override=overrider(record), on_skip=skipper(record),
        flagged=record.store.flagged_ids(), on_flag=flagger(record),
    )
    from quizcli.demo import warm

    # The seed orders the questions only: demos run with their own default
    # seed, the numbers `quizcli explain ID` shows (its --seed changes them).
    # A demo worker warms up once the first question is shown (demo/warm.py).
    with warm.session():
        summary = ui.run(session, make_console(), lang=lang_)
    if summary.ended_by == "interrupt":
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def _by_history(questions: list, store, *, missed: bool, unseen: bool, due: bool, flagged: bool = False) -> list:
    """The questions that are any of: missed last time, never asked, due for review, flagged."""
    from quizcli.clock import now_from_env

    wanted: set[str] = set()
    if missed:
        wanted |= store.missed_ids()
    if unseen:
        seen = store.seen_ids()
        wanted |= {q.id for q in questions if q.id not in seen}
    if due:
        wanted |= {row[0] for row in store.due_card_rows(now_from_env()())}
    if flagged:
        wanted |= store.flagged_ids()
    return [q for q in questions if q.id in wanted]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("quiz", cls=Command, short_help=N_("Start a quiz in the terminal."), epilog=examples(
        "quizcli quiz                              ten questions from every bank",
        "quizcli quiz --topic gan --lang zh -n 5   five GAN questions in Chinese",
        "quizcli quiz --type numeric -d 3-5        the harder numeric questions",
        "quizcli quiz --bank my_notes.yaml         your bank beside the built-in ones",
        "quizcli quiz --missed                     what you got wrong or skipped last time",
        "quizcli quiz --flagged                    the questions you flagged in a review",
    ))(quiz)
