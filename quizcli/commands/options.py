"""What the commands share on the command line: the option declarations
(one help text each), the examples epilog, and the help a bare group shows.

Only typer and the standard library: every command module imports this at
start-up (`quizcli --help`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from quizcli.commands import complete

BANK_HELP = ("A bank file or a folder of banks to use beside the built-in ones; repeatable. Also $QUIZCLI_BANKS. "
             "A demos/ folder beside it runs once trusted (`quizcli bank trust PATH`).")
TOPIC_HELP = "Bank id to ask from; repeat for several (see `quizcli topics`)."
TAG_HELP = "Only questions with this tag; repeat for any of several."
TYPE_HELP = ("Only this question type: single_choice, multiple_choice, true_false, numeric, short_answer, "
             "flashcard, open; repeatable.")
DIFFICULTY_HELP = "A level 1-5 (`2`) or a range (`1-3`)."
LANG_HELP = "Language, en or zh. Default: `lang` in the config file, else the locale."

Bank = Annotated[List[Path], typer.Option("--bank", "-b", metavar="PATH", help=BANK_HELP)]
Topic = Annotated[List[str], typer.Option("--topic", "-t", metavar="ID", help=TOPIC_HELP,
                                         autocompletion=complete.topics)]
Tag = Annotated[List[str], typer.Option("--tag", metavar="TAG", help=TAG_HELP, autocompletion=complete.tags)]
Type = Annotated[List[str], typer.Option("--type", metavar="TYPE", help=TYPE_HELP, autocompletion=complete.types)]
Difficulty = Annotated[Optional[str], typer.Option("--difficulty", "-d", metavar="LEVEL", help=DIFFICULTY_HELP)]
Lang = Annotated[Optional[str], typer.Option("--lang", metavar="en|zh", help=LANG_HELP)]


def examples(*lines: str) -> str:
    """An epilog of examples; the \\b keeps the help formatter from rewrapping it."""
    return "\b\nExamples:\n" + "\n".join("  " + line for line in lines)


def show_help_without_arguments(ctx: typer.Context) -> None:
    """`quizcli` or `quizcli GROUP` alone: the help, on stdout, exit 0.

    (Typer's `no_args_is_help` prints it as a usage error: stderr, exit 2.)
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def echo(message: str, err: bool = False, nl: bool = True) -> None:
    """typer.echo for a line that may quote a file name, an id or a bank's text: escaped
    by quizcli.escaping.safe, the one escaping function (imported here, when a line is printed)."""
    from quizcli.escaping import safe

    typer.echo(safe(message), err=err, nl=nl)
