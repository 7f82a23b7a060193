"""Commands: bank validate (and the authoring commands of the `bank` group)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer

bank_app = typer.Typer(
    name="bank",
    help="Check and write question banks (format: content/README.md).",
    no_args_is_help=True,
)

PATHS_HELP = "Bank files (.yaml) or folders of banks."


@bank_app.command("validate")
def validate(
    paths: List[Path] = typer.Argument(..., metavar="PATH...", help=PATHS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
    builtin: bool = typer.Option(
        True, "--builtin/--no-builtin",
        help="Check ids against the built-in banks too, as they are loaded together at quiz time."),
) -> None:
    """Check banks against the bank format and report every problem at once.

    Each problem names the file, line, column and field, says what is wrong
    and what to do. The banks given are checked together (ids must be unique
    across them) and against the built-in banks. Exit status: 0 when there is
    no problem, 1 when there is any.
    """
    import json

    from quizcli.bank import check_paths
    from quizcli.errors import ExitCode

    report = check_paths(paths, against_builtin=builtin)
    if as_json:
        from quizcli.ui.bank import problem_dict

        typer.echo(json.dumps({
            "ok": report.ok, "files": report.files, "banks": report.banks, "questions": report.questions,
            "problems": [problem_dict(p) for p in report.problems],
        }, ensure_ascii=False, indent=2))
    else:
        from quizcli.ui.bank import print_problems, summary
        from quizcli.ui.text import make_console

        console = make_console()
        print_problems(console, report.problems)
        console.print(summary(report.problems, len(report.files), report.banks, report.questions))
    if not report.ok:
        raise typer.Exit(int(ExitCode.FAILURE))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(bank_app, name="bank")
