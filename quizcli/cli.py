"""The root command and the one error boundary.

Each command group lives in its own module under `quizcli/commands/` and
adds itself to the app with `register(app)`. Command modules import only
typer at module level, so `quizcli --help` stays fast; the core (and, for
demos, torch in a separate process) is imported inside the command.
"""

from __future__ import annotations

import copy
import os
import sys

import typer

from quizcli import __version__
from quizcli.commands import bank, browse, demos, export, interview, practice, progress, quiz, review
from quizcli.commands.options import TranslatedGroup, show_help_without_arguments
from quizcli.i18n import N_


class _PipeClosed(Exception):
    """The reader of our output went away (`quizcli list | head`).

    Not an OSError: Typer turns a BrokenPipeError raised in a command into
    exit status 1; this one passes through Typer to the boundary in `main`.
    """


class _Group(TranslatedGroup):
    def make_context(self, *args, **kwargs):   # `--help` prints while the context is made
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError as err:
            raise _PipeClosed() from err

    def invoke(self, ctx: typer.Context):       # every command, subgroups' included
        try:
            return super().invoke(ctx)
        except BrokenPipeError as err:
            raise _PipeClosed() from err


app = typer.Typer(
    name="quizcli",
    help=N_("Quiz and flashcards for deep-learning interviews, with PyTorch demos that back every answer with numbers."),
    cls=_Group,
    invoke_without_command=True,
    # Typer's completion: `quizcli --install-completion` (bash, zsh, fish,
    # PowerShell) completes commands, options, topics, tags, question and
    # demo ids (quizcli.commands.complete).
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: Typer's Rich help imports markdown-it and friends, which
    # makes `quizcli --help` ~1.7x slower than importing typer and rich
    # (bench/bench_startup.py; the target is 1.3x).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Quiz and flashcards for deep-learning interviews, with PyTorch demos that back every answer with numbers."""
    _config_ui_lang(ctx)
    show_help_without_arguments(ctx)


def _config_ui_lang(ctx: typer.Context) -> None:
    """The interface's language from the config file (`ui_lang`, else `lang`), for every command:
    those without --lang (`progress`, `bank`, `export`'s early errors) never call config.resolve_lang.

    The file is read here once for the whole run (config.load_for_run); a
    broken one is left to the commands that use it to report.
    """
    from quizcli import config
    from quizcli.i18n import set_lang

    loaded = config.load_for_run()
    ctx.call_on_close(config.forget_run)
    if loaded is not None and (loaded.ui_lang or loaded.lang):
        set_lang(loaded.ui_lang or loaded.lang)


for module in (quiz, browse, bank, demos, review, progress, export, interview, practice):
    module.register(app)


def _app_for(argv: list[str]) -> typer.Typer:
    """The app as `argv` needs it: when argv starts with a command's name,
    a copy of the root app that holds that command alone.

    Typer turns every registered command into a Click command (inspecting
    each function's signature) on every start, about 5% of `quizcli
    review`'s time to its first card (bench/bench_review.py). The command
    that runs is the only one a run needs; the root's help, an unknown
    command's suggestions and root options (`quizcli --help`, `quizcli
    --version`) get the whole app.
    """
    if not argv or argv[0].startswith("-"):
        return app
    name = argv[0]
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands = commands
    one.registered_groups = groups
    return one


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; turn every user-facing error into a message and an exit code.

    Typer (standalone mode) handles usage errors itself; everything a command
    raises on purpose is a QuizcliError, printed here without a traceback.
    """
    from quizcli.errors import ExitCode, QuizcliError

    ClickException, Abort = _click_errors()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        # Not standalone: Click's own errors come here, to be shown as ours are.
        code = _app_for(args)(args=args, prog_name="quizcli", standalone_mode=False)
    except QuizcliError as err:
        from quizcli.ui.errors import print_error

        print_error(err)
        sys.exit(int(err.exit_code))
    except ClickException as err:      # a bad option, a value out of range, a missing argument
        from quizcli.ui.errors import print_error

        print_error(QuizcliError(err.format_message(), hint=_usage_hint(err)))
        sys.exit(err.exit_code)
    except Abort as err:     # a declined confirmation, or end of input at one
        if isinstance(err.__cause__ or err.__context__, KeyboardInterrupt):
            sys.exit(ExitCode.INTERRUPTED)
        from quizcli.ui.errors import print_error

        from quizcli.i18n import _

        print_error(QuizcliError(_("not confirmed; nothing was changed"), hint=_("answer y to go ahead, or pass --yes")))
        sys.exit(ExitCode.FAILURE)
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    except (_PipeClosed, BrokenPipeError):
        # The Python docs' SIGPIPE recipe: point stdout at devnull, so the
        # interpreter's last flush does not fail again, and end quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, AttributeError, ValueError):   # no real stdout (tests)
            pass
        sys.exit(ExitCode.OK)
    except Exception as err:  # a bug: say so, and show the traceback on request
        if os.environ.get("QUIZCLI_TRACEBACK"):
            raise
        from quizcli.ui.errors import internal_error_text

        sys.stderr.write(internal_error_text(err))
        sys.exit(70)
    if isinstance(code, int) and code:
        sys.exit(code)


def _click_errors() -> tuple[type[Exception], type[Exception]]:
    """Click's error and abort classes: Typer 0.26+ carries its own copy of
    Click (typer._click), whose classes are not the `click` package's."""
    try:
        from typer._click.exceptions import ClickException
    except ImportError:           # a Typer that uses the click package
        from click import ClickException
    return ClickException, typer.Abort


def _usage_hint(err: Exception) -> str:
    """Where to read how a command is used."""
    ctx = getattr(err, "ctx", None)
    path = ctx.command_path if ctx is not None else "quizcli"
    from quizcli.i18n import _

    return _("see `{command} --help`").format(command=path)
