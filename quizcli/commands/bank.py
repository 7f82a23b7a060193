"""Commands: bank validate, new, lint, schema, trust."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from quizcli.commands.options import Command, Json, echo, examples, group
from quizcli.i18n import N_, _

bank_app = group("bank", "Check and write question banks (format: content/README.md).")

PATHS_HELP = "Bank files (.yaml) or folders of banks."


def _write(path: Path, text: str) -> None:
    """Write a file the user named; a path that cannot be written is their error, not a bug."""
    from quizcli.errors import QuizcliError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:   # a folder, a read-only place, a path through a file
        raise QuizcliError(_("cannot write {path}: {error}").format(path=path, error=err.strerror or err),
                           hint=_("choose another -o path: a file name in a folder you can write to")) from err


@bank_app.command("validate", cls=Command, short_help=N_("Check banks; report every problem at once."), epilog=examples(
    "quizcli bank validate my_notes.yaml",
    "quizcli bank validate banks/ --json",
))
def validate(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help=PATHS_HELP),
    as_json: Json = False,
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
    from quizcli.bank import check_paths
    from quizcli.errors import ExitCode
    from quizcli.ui.output import Validated, emit

    report = check_paths(paths, against_builtin=builtin)
    emit(Validated(report), as_json=as_json)
    if not report.ok:
        raise typer.Exit(int(ExitCode.FAILURE))


@bank_app.command("new", cls=Command, short_help=N_("Write a new bank with one question of every type."), epilog=examples(
    'quizcli bank new "My notes" -o my_notes.yaml',
    'quizcli bank new "GAN tricks" --id gan_tricks -o gan_tricks.yaml',
))
def new(
    name: str = typer.Argument(..., metavar="NAME", help="The bank's name; its id and file name are made from it."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Where to write it. Default: ID.yaml here."),
    schema: bool = typer.Option(True, "--schema/--no-schema",
                                help="Also write the JSON Schema beside it, for editors (if not there yet)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    bank_id: Optional[str] = typer.Option(None, "--id", metavar="ID",
                                          help="The bank's id ([a-z][a-z0-9_]*). Default: made from NAME."),
) -> None:
    """Write a new bank: one valid question of every type, with comments on every field.

    Edit it, then check it with `quizcli bank validate` and `quizcli bank lint`.
    """
    import json

    from quizcli.authoring.new import SCHEMA_FILE, bank_id_for, new_bank_text, new_exercise_files
    from quizcli.authoring.schema import build
    from quizcli.bank.validate import BANK_ID
    from quizcli.errors import ExitCode, QuizcliError

    if bank_id is not None and not BANK_ID.fullmatch(bank_id):
        raise QuizcliError(_("`{id}` is not a valid bank id").format(id=bank_id),
                           hint=_("an id starts with a-z and holds only a-z, 0-9 and _, e.g. --id my_notes"),
                           exit_code=ExitCode.USAGE)
    bid = bank_id or bank_id_for(name)
    if bid is None:
        raise QuizcliError(_("cannot make a bank id from {name}: ids hold only a-z, 0-9 and _").format(name=repr(name)),
                           hint=_("give one with --id, e.g. `quizcli bank new {name} --id notes`; "
                                  "the name stays the bank's title").format(name=name), exit_code=ExitCode.USAGE)
    path = output or Path(f"{bid}.yaml")
    if path.exists() and not force:
        raise QuizcliError(_("{path} already exists").format(path=path),
                           hint=_("choose another name or -o PATH, or add --force"))
    text = new_bank_text(name, SCHEMA_FILE if schema else None, bid)
    _write(path, text)
    echo(_("wrote {path} (bank id `{id}`, {n} questions)").format(path=path, id=bid,
                                                                  n=text.count(chr(10) + "  - id: ")))
    for rel, code in new_exercise_files(bid).items():   # the code question's exercise (#18)
        target = path.parent / rel
        if not target.exists() or force:
            _write(target, code)
    echo(_("wrote {folder} (the code question's exercise; it runs once you trust it: quizcli bank trust {path})")
         .format(folder=path.parent / "demos" / "exercises" / (bid + "_softmax"), path=path))
    schema_path = path.parent / SCHEMA_FILE
    if schema and not schema_path.exists():
        _write(schema_path, json.dumps(build(), indent=2) + "\n")
        echo(_("wrote {path} (the JSON Schema that editors check the bank against)").format(path=schema_path))
    echo(_("next: edit it, then `quizcli bank validate {path}` and `quizcli bank lint {path}`").format(path=path))


@bank_app.command("lint", cls=Command, short_help=N_("Point out what makes a valid bank worse."), epilog=examples(
    "quizcli bank lint my_notes.yaml",
    "quizcli bank lint banks/ --strict",
))
def lint(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help=PATHS_HELP),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when there is any finding."),
    as_json: Json = False,
    builtin: bool = typer.Option(
        True, "--builtin/--no-builtin", help="Compare with the built-in banks too (duplicate prompts, claims)."),
) -> None:
    """Point out what makes a valid bank worse, each with file:line and a suggestion.

    Missing translations, duplicate or near-duplicate prompts, identical
    choices, explanations that only repeat the answer, answers given away
    by their own prompt, correct choices given away by their length or
    position, near-duplicate or (built-in) unknown tags, claims no demo
    backs, demos no question links.
    Banks that do not validate get their validation problems instead.
    Exit status: 1 for validation problems, or for findings with --strict;
    else 0.
    """
    from quizcli.authoring.lint import lint_paths
    from quizcli.errors import ExitCode
    from quizcli.ui.output import Linted, emit

    report = lint_paths(paths, against_builtin=builtin)
    emit(Linted(report), as_json=as_json)
    if report.errors or (strict and report.findings):
        raise typer.Exit(int(ExitCode.FAILURE))


@bank_app.command("schema", cls=Command, short_help=N_("Print the JSON Schema of the bank format, for editors."), epilog=examples(
    "quizcli bank schema -o bank.schema.json",
))
def schema(
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write it to this file instead of printing it."),
) -> None:
    """Print the JSON Schema of the bank format, for editors.

    With the YAML language server (VS Code's YAML extension, and others),
    a first line `# yaml-language-server: $schema=PATH-OR-URL` in a bank
    makes the editor complete and check it as you type.
    """
    import json

    from quizcli.authoring.schema import build

    text = json.dumps(build(), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output, text)
        echo(_("wrote {path}").format(path=output))


@bank_app.command("trust", cls=Command, short_help=N_("Allow the demos that a user bank brings to run."), epilog=examples(
    "quizcli bank trust my_bank/",
    "quizcli bank trust --list",
    "quizcli bank trust my_bank/ --remove",
))
def trust(
    path: Optional[Path] = typer.Argument(None, metavar="PATH", help="A bank file, the folder that holds it, or its demos/ folder."),
    remove: bool = typer.Option(False, "--remove", help="Withdraw the trust instead."),
    list_: bool = typer.Option(False, "--list", help="List the trusted demo folders."),
) -> None:
    """Allow the demos that a user bank brings (its demos/ folder) to run.

    Demos are Python code from the bank's author, so quizcli runs a user
    bank's demos only once you trust their folder. The trust covers every
    file in that folder and below it, as they are now (each is listed): if
    any changes, quizcli asks again.
    """
    from quizcli.demo import trust as store
    from quizcli.errors import ExitCode, QuizcliError

    if list_:
        entries = store.trusted()
        for entry in entries:
            echo(f"{entry.folder}: {entry.reason}")
        if not entries:
            typer.echo(_("no demo folder is trusted"))
        return
    if path is None:
        raise QuizcliError(_("give the PATH of a bank or of its demos folder"), hint=_("or use --list"),
                           exit_code=ExitCode.USAGE)
    result = store.untrust(path) if remove else store.trust(path)
    for line in result.files:
        echo(f"  {line}")
    echo(f"{result.folder}: {result.reason}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(bank_app, name="bank", short_help=N_("Check and write question banks."))
