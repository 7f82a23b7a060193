"""Commands: export, import."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from quizcli.commands.options import LANG_HELP, Bank, Difficulty, Tag, Topic, Type, echo, examples


def export(
    format_: str = typer.Option(..., "--format", "-f", metavar="FORMAT", help="anki (.apkg deck), csv, markdown (study sheet) or json (bank format, both languages)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The file to write."),
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    lang: Optional[str] = typer.Option(None, "--lang", metavar="en|zh", help=LANG_HELP + " JSON always has both."),
    bank: Bank = [],
) -> None:
    """Export questions to study them elsewhere: Anki, CSV, Markdown or JSON.

    The Anki deck has one note per question (choices on the front; answer,
    explanation and refs on the back), the question's tags and bank id as
    tags, and one deck per bank. Exporting again and re-importing into Anki
    updates the notes instead of duplicating them.
    """
    from quizcli import config
    from quizcli.authoring import export as ex
    from quizcli.bank import load_library
    from quizcli.errors import ExitCode, QuizcliError
    from quizcli.selection import make_filters, select

    fmt = format_.lower()
    if fmt not in ex.FORMATS:
        raise QuizcliError(f"unknown format `{format_}`", hint=f"use one of {', '.join(ex.FORMATS)}",
                           exit_code=ExitCode.USAGE)
    lang_ = config.resolve_lang(lang)
    library = load_library(extra=bank)
    questions = select(library, make_filters(library, topic, tag, type_, difficulty))
    if not questions:
        raise QuizcliError("no question matches these filters", hint="loosen the filters (see `quizcli list`)")
    if output.is_dir():
        suffix = {"anki": ".apkg", "csv": ".csv", "markdown": ".md", "json": ".json"}[fmt]
        raise QuizcliError(f"{output} is a folder", hint=f"give a file name, e.g. -o {output / ('quizcli' + suffix)}",
                           exit_code=ExitCode.USAGE)
    ex.check_export_size(questions)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "anki":
            ex.export_anki(library, questions, lang_, output)
        else:
            writer = {"csv": lambda: ex.export_csv(library, questions, lang_),
                      "markdown": lambda: ex.export_markdown(library, questions, lang_),
                      "json": lambda: ex.export_json(library, questions)}[fmt]
            text = writer()
            ex.check_written_size(text)
            output.write_text(text, encoding="utf-8")
    except OSError as err:   # a read-only folder, a full disk, a path through a file
        raise QuizcliError(f"cannot write {output}: {err.strerror or err}",
                           hint="choose another -o path, in a folder you can write to") from err
    echo(f"wrote {len(questions)} question{'s' if len(questions) != 1 else ''} to {output} ({fmt})")


def import_(
    source: Path = typer.Argument(..., metavar="FILE", help="A .csv/.tsv/.txt (Anki plain text), .md (Q:/A: cards) or .json (quizcli export)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="BANK.yaml", help="The bank file to write (a folder for a JSON export of several banks)."),
    bank_id: Optional[str] = typer.Option(None, "--id", metavar="ID", help="The new bank's id. Default: from the output file name."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="The new bank's title. Default: the file name."),
    lang: str = typer.Option("en", "--lang", metavar="en|zh", help="The language the cards are written in, en or zh."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Turn cards from elsewhere into a bank that validates.

    CSV/TSV: a question, an answer and a tags column (a header row may name
    them: question/front, answer/back, tags, explanation), as Anki exports
    notes as plain text. Markdown: `Q:` and `A:` lines (optional `Tags:` and
    `E:`). Both become flashcards. JSON written by `quizcli export --format
    json` comes back as the same questions.
    """
    from quizcli.authoring.importer import bank_yaml, import_file
    from quizcli.authoring.new import bank_id_for
    from quizcli.bank import validate_paths
    from quizcli.errors import BankError, ExitCode, QuizcliError

    if lang not in ("en", "zh"):
        raise QuizcliError(f"unknown language `{lang}`", hint="use en or zh", exit_code=ExitCode.USAGE)
    bid = bank_id_for(bank_id or output.stem)
    if bid is None:
        raise QuizcliError(f"cannot make a bank id from {bank_id or output.stem!r}: ids hold only a-z, 0-9 and _",
                           hint="give one with --id, e.g. --id notes", exit_code=ExitCode.USAGE)
    result = import_file(source, bid, title or source.stem, lang)
    if len(result.banks) == 1 and output.suffix.lower() in (".yaml", ".yml"):
        targets = [output]
    else:
        if output.suffix.lower() in (".yaml", ".yml"):
            raise QuizcliError(f"{source} holds {len(result.banks)} banks", hint="give a folder to -o, one file per bank")
        targets = [output / f"{b.get('id', f'bank{i}')}.yaml" for i, b in enumerate(result.banks)]
    for target in targets:
        if target.exists() and not force:
            raise QuizcliError(f"{target} already exists", hint="choose another -o, or add --force")
    for target, data in zip(targets, result.banks):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(bank_yaml(data, source.name), encoding="utf-8")
        except OSError as err:   # a read-only folder, a full disk, a path through a file
            raise QuizcliError(f"cannot write {target}: {err.strerror or err}",
                               hint="choose another -o path, in a folder you can write to") from err
    for line in result.skipped:
        echo(f"skipped {line}", err=True)
    # Alone: a re-imported export of built-in questions shares their ids by design.
    problems = validate_paths(targets, against_builtin=False)
    if problems:
        raise BankError(problems)
    n = sum(len(b.get("questions", ())) for b in result.banks)
    echo(f"wrote {n} question{'s' if n != 1 else ''} to {', '.join(map(str, targets))}; it validates")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("export", short_help="Export questions to Anki, CSV, Markdown or JSON.", epilog=examples(
        "quizcli export -f anki -o dl-interview.apkg --lang zh",
        "quizcli export -f markdown -o gan.md --topic gan",
        "quizcli export -f json -o all.json         every bank, both languages",
    ))(export)
    app.command("import", epilog=examples(
        "quizcli import anki-notes.txt -o my_cards.yaml",
        "quizcli import notes.md -o my_notes.yaml --lang zh",
        "quizcli import all.json -o banks/          a JSON export of several banks",
    ))(import_)
