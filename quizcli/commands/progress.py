"""Commands: stats, and progress reset/export/import."""

from __future__ import annotations

from pathlib import Path

import typer

from quizcli.commands.options import Bank, echo, show_help_without_arguments

progress_app = typer.Typer(
    name="progress", help="Your progress: start a question over, back it up, move it to another machine.",
    invoke_without_command=True, add_completion=False, rich_markup_mode=None,
)


@progress_app.callback()
def _progress(ctx: typer.Context) -> None:
    """Your progress: start a question over, back it up, move it to another machine."""
    show_help_without_arguments(ctx)


def stats(
    json_: bool = typer.Option(False, "--json", help="Print the same data as JSON."),
    bank: Bank = [],
) -> None:
    """Your progress: per topic (cards seen, accuracy, predicted recall), a year
    of activity with your streak, reviews due in the next 14 days, true
    against desired retention, and leeches (questions failed 8 times or more)."""
    from quizcli import stats as stats_mod
    from quizcli.bank.index import load_index
    from quizcli.clock import now_from_env
    from quizcli.gcpause import bulk_objects
    from quizcli.sessions.forecast import forecast_recall
    from quizcli.sessions.settings import scheduler_from_settings
    from quizcli.store import open_store

    # Stats need each question's id and topic only: the index, not the full library.
    with bulk_objects():
        library = load_index(extra=bank, include_builtin=True)
    now = now_from_env()()
    with open_store(readonly=True) as store, bulk_objects():   # a row per card, several times over
        scheduler = scheduler_from_settings(store, now)
        data = stats_mod.compute(library, store, now, scheduler)
        forecast = ()
        if scheduler.until is not None and scheduler.until > now:
            forecast = forecast_recall(library.questions, store.cards(), scheduler)
    if json_:
        import json

        typer.echo(json.dumps(stats_mod.to_json(data, forecast), ensure_ascii=False, indent=2))
        return
    from quizcli.ui.stats import render_stats
    from quizcli.ui.text import make_console

    render_stats(make_console(), data, forecast)


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


@progress_app.command("reset")
def reset(
    question_id: str = typer.Argument(..., metavar="ID", help="The question id (see `quizcli list`)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Start a question over: forget its answers and its schedule."""
    from quizcli.errors import NotFoundError
    from quizcli.store import open_store

    with open_store() as store:
        if not store.has_history(question_id):
            raise NotFoundError(f"no progress recorded for {question_id!r}",
                                hint="check the id with `quizcli list`; ids are case-sensitive")
        if not yes and not _confirm(f"Forget every answer and the schedule of {question_id}?"):
            raise typer.Abort()
        removed, scheduled = store.reset(question_id)
    echo(f"{question_id}: {removed} answer{'s' if removed != 1 else ''} forgotten"
               + ("; its schedule starts over" if scheduled else "") + ".")


@progress_app.command("export")
def export(file: Path = typer.Argument(..., metavar="FILE", help="Where to write the JSON backup; `-` for stdout.")) -> None:
    """Write every answer and the schedule to FILE (JSON), for a backup or another machine."""
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
        raise QuizcliError(f"cannot write {file}: {err.strerror}", hint="check the folder exists and is writable",
                           exit_code=ExitCode.BAD_INPUT) from None
    n = len(data["answers"])
    echo(f"Exported {n} answer{'s' if n != 1 else ''} and {len(data['cards'])} scheduled cards to {file}.")


@progress_app.command("import")
def import_(file: Path = typer.Argument(..., metavar="FILE", help="A JSON file written by `quizcli progress export`.")) -> None:
    """Merge a backup into your progress. Answers already present are skipped,
    so importing the same file twice changes nothing."""
    import json

    from quizcli.errors import ExitCode, NotFoundError, QuizcliError
    from quizcli.store import open_store

    from quizcli.files import read_regular

    try:
        text = read_regular(file).decode("utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise QuizcliError(f"cannot read {file}: {getattr(err, 'strerror', None) or err}",
                           exit_code=ExitCode.BAD_INPUT) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise QuizcliError(f"{file}:{err.lineno}:{err.colno}: not valid JSON: {err.msg}",
                           hint="import a file written by `quizcli progress export`",
                           exit_code=ExitCode.BAD_INPUT) from None
    except RecursionError:   # JSON nested thousands of levels deep: no backup looks like that
        raise QuizcliError(f"{file}: nested too deeply to be a progress backup",
                           hint="import a file written by `quizcli progress export`",
                           exit_code=ExitCode.BAD_INPUT) from None
    with open_store() as store:
        result = store.import_(data, source=str(file))
    echo(f"Imported {result.added} answer{'s' if result.added != 1 else ''}"
               f" ({result.skipped} already present); {result.cards} schedule{'s' if result.cards != 1 else ''} rebuilt.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("stats")(stats)
    app.add_typer(progress_app, name="progress")
