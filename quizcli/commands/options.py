"""What the commands share on the command line: the option declarations
(one help text each), the examples epilog, and the help a bare group shows.

Only typer, the standard library and quizcli.model (standard library only,
for the question types): every command module imports this at start-up
(`quizcli --help`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from quizcli.commands import complete
from quizcli.i18n import N_
from quizcli.model import QuestionType

BANK_HELP = ("A bank file or a folder of banks to use beside the built-in ones; repeatable. Also $QUIZCLI_BANKS. "
             "A demos/ folder beside it runs once trusted (`quizcli bank trust PATH`).")
TOPIC_HELP = "Bank id to ask from; repeat for several (see `quizcli topics`)."
TAG_HELP = "Only questions with this tag; repeat for any of several."
# From the enum, so a new question type is offered here the day it exists
# (quizcli.model is standard library only: cheap at start-up).
TYPE_HELP = f"Only this question type: {', '.join(t.value for t in QuestionType)}; repeatable."
DIFFICULTY_HELP = "A level 1-5 (`2`) or a range (`1-3`)."
LANG_HELP = "Language, en or zh. Default: `lang` in the config file, else the locale."
JSON_HELP = 'Print JSON instead of text: every field, both languages (its keys: README, "JSON output").'

Bank = Annotated[List[Path], typer.Option("--bank", "-b", metavar="PATH", help=BANK_HELP)]
Topic = Annotated[List[str], typer.Option("--topic", "-t", metavar="ID", help=TOPIC_HELP,
                                         autocompletion=complete.topics)]
Tag = Annotated[List[str], typer.Option("--tag", metavar="TAG", help=TAG_HELP, autocompletion=complete.tags)]
Type = Annotated[List[str], typer.Option("--type", metavar="TYPE", help=TYPE_HELP, autocompletion=complete.types)]
Difficulty = Annotated[Optional[str], typer.Option("--difficulty", "-d", metavar="LEVEL", help=DIFFICULTY_HELP)]
Lang = Annotated[Optional[str], typer.Option("--lang", metavar="en|zh", help=LANG_HELP)]
# Every --json prints through quizcli.ui.output.emit, the one JSON writer.
Json = Annotated[bool, typer.Option("--json", help=JSON_HELP)]


class Command(TyperCommand):
    """A command whose usage line names its arguments as Click does (`ID`,
    `[PATH]`, `PATH...`); Typer 0.28 writes a required one as `{ID}`."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and param.metavar:
                piece = param.metavar.strip("[]{}")
                piece = piece if param.required else f"[{piece}]"
                pieces.append(piece + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class TranslatedGroup(TyperGroup):
    """A group whose help shows each command's short help, and its own first
    line, in the interface's language (Click's own words stay English).

    Every command declares `short_help=N_("...")`, one line that is never cut
    off; its translation is looked up only when help is shown in Chinese.
    """

    def format_help_text(self, ctx, formatter) -> None:
        from quizcli.i18n import _, current

        if current() == "en" or not self.help:
            return super().format_help_text(ctx, formatter)
        first = " ".join(self.help.partition("\n\n")[0].split())
        translated = _(first)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(translated if translated != first else self.help)

    def format_commands(self, ctx, formatter) -> None:
        from quizcli.i18n import _, current

        if current() == "en":
            return super().format_commands(ctx, formatter)
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            rows.append((name, _(cmd.short_help) if cmd.short_help else cmd.get_short_help_str(80)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def examples(*lines: str) -> str:
    """An epilog of examples; the \\b keeps the help formatter from rewrapping it."""
    return "\b\nExamples:\n" + "\n".join("  " + line for line in lines)


def group(name: str, help: str) -> typer.Typer:
    """A command group (`quizcli NAME ...`); `quizcli NAME` alone shows its help."""
    app = typer.Typer(cls=TranslatedGroup, name=name, help=help, invoke_without_command=True,
                      add_completion=False, rich_markup_mode=None)
    app.callback()(show_help_without_arguments)
    return app


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
