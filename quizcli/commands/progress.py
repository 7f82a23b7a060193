"""Commands: stats, and progress reset/export/import."""

from __future__ import annotations

from pathlib import Path

import typer

from quizcli.commands import complete
from quizcli.commands.options import Bank, Command, Json, Lang, Tag, Topic, echo, examples, group
from quizcli.i18n import N_, _, ngettext

progress_app = group("progress", "Your progress: start a question over, back it up, move it to another machine.")


def stats(
    topic: Topic = [],
    tag: Tag = [],
    as_json: Json = False,
    lang: Lang = None,
    bank: Bank = [],
    calibration: bool = typer.Option(False, "--calibration", help="Predicted recall against the pass rate of your scheduled reviews, in bins."),
    plot: Path = typer.Option(None, "--plot", metavar="FILE.png", help="With --calibration: also save the plot as a figure (matplotlib; .png, .pdf, .svg)."),
) -> None:
    """Your progress: per topic (cards seen, accuracy, predicted recall), a year
    of activity with your streak, reviews due in the next 14 days, true
    against desired retention, and leeches (questions failed 8 times or more).

    --calibration instead replays your scheduled reviews through FSRS (with
    your fitted parameters, if `progress optimize` kept some) and compares
    the recall it predicted with how often you passed, in bins: whether the
    schedule is too easy or too hard on you."""
    if calibration or plot is not None:
        _calibration(plot, as_json)
        return
    from quizcli import stats as stats_mod
    from quizcli.bank.index import load_index
    from quizcli.clock import now_from_env
    from quizcli.gcpause import bulk_objects
    from quizcli.sessions.forecast import forecast_recall
    from quizcli.sessions.settings import scheduler_from_settings
    from quizcli.store import open_store

    from quizcli import config

    config.resolve_lang(lang)        # the interface's language
    # Stats need each question's id and topic only: the index, not the full library.
    with bulk_objects():
        library = load_index(extra=bank, include_builtin=True)
    if topic or tag:                 # the questions of quiz's --topic and --tag, in the index's order
        from types import SimpleNamespace

        from quizcli.selection import make_filters

        filters = make_filters(library, topic, tag)
        library = SimpleNamespace(banks=library.banks,
                                  questions=tuple(q for q in library.questions if filters.matches(q)))
    now = now_from_env()()
    with open_store(readonly=True) as store, bulk_objects():   # a row per card, several times over
        scheduler = scheduler_from_settings(store, now)
        data = stats_mod.compute(library, store, now, scheduler, selected=bool(topic or tag))
        forecast = ()
        if scheduler.until is not None and scheduler.until > now:
            forecast = forecast_recall(library.questions, store.cards(), scheduler)
        from quizcli.store import interview as interview_store

        interview_rows = interview_store.answers(store)      # #17
    from quizcli.sessions.interview_report import trends
    from quizcli.ui.output import Statistics, emit

    interviews = trends(interview_rows, {q.id: q.bank_id for q in library.questions}) if interview_rows else ()
    emit(Statistics(data, forecast, interviews), as_json=as_json)


def _confirm(question: str) -> bool:
    """typer.confirm, where Ctrl-C exits 130 like Ctrl-C anywhere else (click makes it an abort, exit 1)."""
    from quizcli.errors import ExitCode
    from quizcli.escaping import safe

    try:
        return typer.confirm(safe(question))
    except typer.Abort as err:
        if isinstance(err.__context__, KeyboardInterrupt):
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        raise


def _calibration(plot: Path | None, as_json: bool) -> None:
    from quizcli import fit
    from quizcli.errors import QuizcliError
    from quizcli.sessions.settings import fitted_parameters
    from quizcli.store import open_store

    with open_store(readonly=True) as store:
        reviews = fit.scheduled_reviews(store.export()["answers"])
        params = fitted_parameters(store)
    preds = fit.predictions(reviews, params)
    if not preds:
        raise QuizcliError(_("no scheduled review a day or more after the card's previous one yet"),
                           hint=_("calibration compares FSRS's predictions with your reviews: study with "
                                  "`quizcli review` over a few days first"))
    from quizcli.ui.output import Calibration, emit

    bins = fit.bins(preds, 10)
    emit(Calibration(bins, len(preds), "fitted" if params else "default", fit.log_loss(preds),
                     fit.rmse_bins(preds, 10)), as_json=as_json)
    if plot is not None:
        from quizcli.ui.calibration import save_calibration

        echo(_("saved {path}").format(path=save_calibration(plot, bins)))


@progress_app.command("optimize", cls=Command, short_help=N_("Fit FSRS's parameters to your own reviews."), epilog=examples(
    "quizcli progress optimize",
))
def optimize() -> None:
    """Fit FSRS's parameters to your own scheduled reviews (quiz and cram
    answers never count), compare them with the current ones on a held-out
    quarter of your cards (log loss and RMSE over bins, as the FSRS
    benchmark reports them), and keep them only when they predict better.
    Also says which desired retention would cost you the least study time.
    Needs the `optimizer` extra (py-fsrs's optimizer: torch, pandas)."""
    import json

    from quizcli import fit
    from quizcli.clock import fmt_time, now_from_env
    from quizcli.errors import ExitCode, QuizcliError
    from quizcli.sessions.settings import FITTED, fitted_parameters, scheduler_from_settings
    from quizcli.store import open_store

    from importlib.util import find_spec

    missing = [name for name in ("torch", "pandas") if find_spec(name) is None]
    if missing:       # (torch itself is imported by quizcli.fit.fit_parameters, for this command only)
        raise QuizcliError(_("the optimizer needs the `optimizer` extra ({names} missing)").format(
                           names=", ".join(missing)),
                           hint=_("pip install 'quizcli[optimizer]' (or pip install 'fsrs[optimizer]')"),
                           exit_code=ExitCode.MISSING_EXTRA)
    now = now_from_env()()
    with open_store() as store:
        reviews = fit.scheduled_reviews(store.export()["answers"])
        current = fitted_parameters(store)
        retention = scheduler_from_settings(store, now).desired_retention
        try:
            report = fit.optimize(reviews, current)
        except fit.NotEnough as err:
            raise QuizcliError(
                _("not enough reviews to fit: {counted} scheduled reviews a day or more after the card's previous "
                  "one in the fitting part (three quarters of your cards); the optimizer needs {needed} "
                  "({reviews} scheduled reviews in all)").format(counted=err.counted, needed=err.needed,
                                                                 reviews=err.reviews),
                hint=_("keep reviewing with `quizcli review`; quiz and cram answers do not count")) from None
        if report.kept:
            store.set_setting(FITTED, json.dumps({
                "parameters": list(report.parameters), "fitted": fmt_time(now), "reviews": report.train,
                "held_out": report.test, "log_loss": report.after.log_loss, "rmse_bins": report.after.rmse_bins}))
        from fsrs.scheduler import DEFAULT_PARAMETERS

        best = report.parameters if report.kept else current or tuple(DEFAULT_PARAMETERS)
        optimal = fit.optimal_retention(reviews, best)
    from quizcli.ui.calibration import render_report
    from quizcli.ui.text import make_console

    render_report(make_console(), report, "fitted earlier" if current else "FSRS defaults", retention, optimal)


@progress_app.command("reset", cls=Command, short_help=N_("Start a question over: forget its answers and its schedule."), epilog=examples(
    "quizcli progress reset bn-rnn-never",
))
def reset(
    question_id: str = typer.Argument(..., metavar="ID", help="The question id (see `quizcli list`).",
                                      autocompletion=complete.question_ids),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Start a question over: forget its answers and its schedule."""
    from quizcli.errors import NotFoundError
    from quizcli.store import open_store

    with open_store() as store:
        if not store.has_history(question_id):
            raise NotFoundError(_("no progress recorded for {id}").format(id=repr(question_id)),
                                hint=_("check the id with `quizcli list`; ids are case-sensitive"))
        if not yes and not _confirm(_("Forget every answer and the schedule of {id}?").format(id=question_id)):
            raise typer.Abort()
        removed, scheduled = store.reset(question_id)
    echo((_("{id}: {answers} forgotten; its schedule starts over.") if scheduled else _("{id}: {answers} forgotten."))
         .format(id=question_id, answers=ngettext("{n} answer", "{n} answers", removed).format(n=removed)))


@progress_app.command("unsuspend", cls=Command, short_help=N_("Bring a suspended or buried card back into review."), epilog=examples(
    "quizcli progress unsuspend bn-rnn-never",
))
def unsuspend(
    question_id: str = typer.Argument(..., metavar="ID", help="The question id (`quizcli stats` lists the suspended).",
                                      autocompletion=complete.question_ids),
) -> None:
    """Bring a suspended (or buried) card back into review; a leech too, once
    you have rewritten it in your own words."""
    from quizcli.errors import NotFoundError
    from quizcli.store import open_store

    with open_store() as store:
        held = store.holds().get(question_id)
        if held is None or not (held[0] or held[2]):
            raise NotFoundError(_("{id} is not suspended or buried").format(id=repr(question_id)),
                                hint=_("`quizcli stats` lists the suspended cards; ids are case-sensitive"))
        from quizcli.clock import now_from_env

        store.hold(question_id, suspended=0, unbury=True, at=now_from_env()())
    typer.echo(_("{id} is back in review.").format(id=question_id))


@progress_app.command("export", cls=Command, short_help=N_("Back up every answer and the schedule to a JSON file."), epilog=examples(
    "quizcli progress export backup.json",
))
def export(file: Path = typer.Argument(..., metavar="FILE", help="Where to write the JSON backup; `-` for stdout.")) -> None:
    """Write every answer, the schedule, each card's holds (suspended, buried,
    flagged) and each question's last skip to FILE (JSON), for a backup or
    another machine."""
    import json
    import os

    from quizcli.errors import ExitCode, QuizcliError
    from quizcli.store import open_store

    with open_store(readonly=True) as store:
        data = store.export()
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if str(file) == "-":
        typer.echo(text, nl=False)
        return
    # Write beside and rename: an interrupted export never leaves half a backup.
    tmp = file.with_name(f".{file.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, file)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise QuizcliError(_("cannot write {path}: {error}").format(path=file, error=err.strerror),
                           hint=_("check the folder exists and is writable"),
                           exit_code=ExitCode.BAD_INPUT) from None
    n = len(data["answers"])
    echo(_("Exported {answers} and {cards} scheduled cards to {path}.").format(
        answers=ngettext("{n} answer", "{n} answers", n).format(n=n), cards=len(data["cards"]), path=file))
    held = sum(1 for h in data["holds"] if h["suspended"] or h["buried_until"] or h["flagged"])
    if held or data["skips"]:
        echo(_("With the holds of {held} (suspended, buried, flagged) and the last skip of {skips}.").format(
            held=ngettext("{n} card", "{n} cards", held).format(n=held),
            skips=ngettext("{n} question", "{n} questions", len(data["skips"])).format(n=len(data["skips"]))))


@progress_app.command("import", cls=Command, short_help=N_("Merge a backup into your progress."), epilog=examples(
    "quizcli progress import backup.json",
))
def import_(file: Path = typer.Argument(..., metavar="FILE", help="A JSON file written by `quizcli progress export`.")) -> None:
    """Merge a backup into your progress. Answers already present are skipped,
    so importing the same file twice changes nothing. A card's holds
    (suspended, buried, flagged) come from the file when they changed there
    later than here; a question's last skip is the later one. Files of
    version 1 (answers and schedule only) are read too."""
    import json

    from quizcli.errors import ExitCode, NotFoundError, QuizcliError
    from quizcli.store import open_store

    from quizcli.files import read_regular

    try:
        text = read_regular(file).decode("utf-8")
    except FileNotFoundError:
        raise NotFoundError(_("{path}: no such file").format(path=file)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise QuizcliError(_("cannot read {path}: {error}").format(path=file,
                                                                    error=getattr(err, "strerror", None) or err),
                           exit_code=ExitCode.BAD_INPUT) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise QuizcliError(_("{path}:{line}:{column}: not valid JSON: {error}").format(
                           path=file, line=err.lineno, column=err.colno, error=err.msg),
                           hint=_("import a file written by `quizcli progress export`"),
                           exit_code=ExitCode.BAD_INPUT) from None
    except RecursionError:   # JSON nested thousands of levels deep: no backup looks like that
        raise QuizcliError(_("{path}: nested too deeply to be a progress backup").format(path=file),
                           hint=_("import a file written by `quizcli progress export`"),
                           exit_code=ExitCode.BAD_INPUT) from None
    with open_store() as store:
        result = store.import_(data, source=str(file))
    echo(_("Imported {answers} ({skipped} already present); {schedules} rebuilt.").format(
        answers=ngettext("{n} answer", "{n} answers", result.added).format(n=result.added), skipped=result.skipped,
        schedules=ngettext("{n} schedule", "{n} schedules", result.cards).format(n=result.cards)))
    if result.holds or result.skips:
        echo(_("Holds (suspended, buried, flagged) taken from the file for {holds}; the last skip for {skips}.").format(
            holds=ngettext("{n} card", "{n} cards", result.holds).format(n=result.holds),
            skips=ngettext("{n} question", "{n} questions", result.skips).format(n=result.skips)))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("stats", cls=Command, short_help=N_("Your progress: topics, activity, reviews due, retention."), epilog=examples(
    "quizcli stats",
    "quizcli stats --topic bn --lang zh",
    "quizcli stats --tag pytorch --json",
    "quizcli stats --calibration",
))(stats)
    app.add_typer(progress_app, name="progress", short_help=N_("Reset, back up, move or tune your progress."))
