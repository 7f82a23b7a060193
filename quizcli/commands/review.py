"""Command: review (spaced repetition with FSRS)."""

from __future__ import annotations

from typing import Optional

import typer

from quizcli.commands.options import Bank, Command, Difficulty, Lang, Tag, Topic, Type, examples
from quizcli.i18n import N_


def review(
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    new: int = typer.Option(20, "--new", min=0, metavar="N", help="New cards per day (counted over the day, across sessions); "
                                                        "with --until, raised as needed to learn every card before the date."),
    count: Optional[int] = typer.Option(None, "-n", "--count", min=1, metavar="N", help="At most this many cards this session."),
    cram: bool = typer.Option(False, "--cram", help="Practise anything matching, weakest first, without changing the schedule."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE",
                                        help="Your interview date (YYYY-MM-DD): learn every new card before it, "
                                             "schedule so that predicted recall on that day reaches --target, and "
                                             "predict it per topic. Remembered; `--until off` forgets it; a past date is refused."),
    retention: Optional[float] = typer.Option(None, "--retention", min=0.7, max=0.99, metavar="R",
                                              help="Desired retention, 0.70-0.99 (default 0.90). Remembered."),
    target: Optional[float] = typer.Option(None, "--target", min=0.7, max=0.99, metavar="R",
                                           help="Recall to aim for on the --until date (default 0.95, never below "
                                                "the desired retention). Remembered."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="INT", help="Seed for the order of choices."),
    lang: Lang = None,
    bank: Bank = [],
) -> None:
    """Review with spaced repetition (FSRS): due cards first, then new ones.

    A right answer is rated good (Enter keeps it; h makes it hard, e easy), a
    wrong one again (`r`: "I was right", rated good and stored as overridden);
    flashcards you rate 1-4, each key showing the interval it gives. A card
    you are still learning comes back in the session once its step of 1-10
    minutes is due, and a card that falls due while you review is asked too.
    Where a demo backs the answer, `d` runs it. Before answering, `!`
    suspends the card, `-` buries it until tomorrow, `*` flags it; a card
    forgotten 8 times is suspended by itself (`quizcli progress unsuspend
    ID` brings it back). `u` undoes the last rating, `s` skips, `q` quits
    with the summary. Every answer is saved the moment you give it.
    """
    from quizcli import config as config_mod
    from quizcli.bank.index import load_index
    from quizcli.errors import ExitCode, NotFoundError
    from quizcli.clock import now_from_env
    from quizcli.gcpause import bulk_objects
    from quizcli.selection import make_filters, new_seed, select
    from quizcli.sessions.queue import load_queue
    from quizcli.sessions.review import ReviewSession
    from quizcli.sessions.settings import scheduler_from_settings
    from quizcli.store import open_store
    from quizcli.ui import review as ui
    from quizcli.ui.text import make_console

    cfg = config_mod.load()
    lang_ = config_mod.resolve_lang(lang, cfg)
    # The index, not the full library: full questions are built only for the cards shown.
    with bulk_objects():
        index = load_index(extra=bank, include_builtin=True)
    if topic or tag or type_ or difficulty is not None:
        questions = select(index, make_filters(index, topic, tag, type_, difficulty))
    else:
        # No filter: every question, in the index's order. A review orders
        # its cards itself; matching and sorting 20,000 questions by id is
        # about 7% of the time to the first card in bench/bench_review.py.
        questions = index.questions
    if not questions:
        from quizcli.i18n import _

        raise NotFoundError(_("no questions match these filters"),
                            hint=_("loosen them; `quizcli list` with the same filters shows what matches"))
    now = now_from_env()
    store = open_store()
    try:
        with bulk_objects():      # thousands of due cards: no collection while they are queued
            scheduler = scheduler_from_settings(store, now(), retention=retention, until=until, target=target)
            current = now()
            queue = load_queue(store, questions, current, seed=seed if seed is not None else new_seed(),
                               new_per_day=new, cram=cram, limit=count, scheduler=scheduler)
            session = ReviewSession(queue, store, scheduler, questions=questions, cram=cram, now=now)
        from quizcli.demo import warm

        # --seed orders choices only; demos keep their own default seed (as `explain` without --seed).
        # A demo worker warms up once the first card is shown (demo/warm.py).
        with warm.session():
            summary = ui.run(session, make_console(), lang=lang_, demo_banks=tuple(bank))
    finally:
        store.close()
    if summary.ended_by == "interrupt":
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("review", cls=Command, short_help=N_("Review with spaced repetition (FSRS): due cards first."), epilog=examples(
    "quizcli review                          due cards first, then new ones",
    "quizcli review --topic gan --lang zh",
    "quizcli review --until 2027-01-15       an interview date: recall on that day",
    "quizcli review --cram -n 20            practise without changing the schedule",
))(review)
