"""Commands: export, import."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from quizcli.commands.options import LANG_HELP, Bank, Command, Difficulty, Lang, Tag, Topic, Type, echo, examples
from quizcli.i18n import N_, _, ngettext


def export(
    format_: str = typer.Option(..., "--format", "-f", metavar="FORMAT", help="anki (.apkg deck), csv, markdown (study sheet) or json (bank format, both languages)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The file to write; `-` for standard output."),
    topic: Topic = [],
    tag: Tag = [],
    type_: Type = [],
    difficulty: Difficulty = None,
    lang: Optional[str] = typer.Option(None, "--lang", metavar="en|zh", help=LANG_HELP + " JSON always has both; an Anki deck also takes `both`."),
    bank: Bank = [],
    with_progress: bool = typer.Option(False, "--with-progress", help="Anki only: carry each card's schedule and review log, to continue in Anki or AnkiDroid."),
) -> None:
    """Export questions to study them elsewhere: Anki, CSV, Markdown or JSON.

    The Anki deck has one note per question (choices on the front; answer,
    explanation and refs on the back), the question's tags and bank id as
    tags, and one deck per bank. One note type holds both languages and
    shows the one chosen with --lang (or `both`), so exporting again, in
    either language or after a content change, and importing into Anki
    updates the notes instead of duplicating them. --with-progress adds each
    card's schedule (due date, interval, FSRS memory state) and the review
    log; tick "Import any learning progress" in Anki's import dialog.
    """
    from quizcli import config
    from quizcli.authoring import export as ex
    from quizcli.bank import load_library
    from quizcli.errors import ExitCode, NotFoundError, QuizcliError
    from quizcli.selection import make_filters, select

    fmt = format_.lower()
    if fmt not in ex.FORMATS:
        raise QuizcliError(_("unknown format `{format}`").format(format=format_),
                           hint=_("use one of {formats}").format(formats=", ".join(ex.FORMATS)),
                           exit_code=ExitCode.USAGE)
    if with_progress and fmt != "anki":
        raise QuizcliError(_("--with-progress is for the Anki format only"), hint=_("add -f anki"),
                           exit_code=ExitCode.USAGE)
    if lang == "both" and fmt != "anki":
        raise QuizcliError(_("--lang both is for the Anki format only"), hint=_("use --lang en or --lang zh"),
                           exit_code=ExitCode.USAGE)
    lang_ = "both" if lang == "both" else config.resolve_lang(lang)
    library = load_library(extra=bank)
    questions = select(library, make_filters(library, topic, tag, type_, difficulty))
    if not questions:
        raise NotFoundError(_("no questions match these filters"),
                            hint=_("loosen them; `quizcli list` with the same filters shows what matches"))
    to_stdout = str(output) == "-"
    if not to_stdout and output.is_dir():
        suffix = {"anki": ".apkg", "csv": ".csv", "markdown": ".md", "json": ".json"}[fmt]
        raise QuizcliError(_("{path} is a folder").format(path=output),
                           hint=_("give a file name, e.g. -o {path}").format(path=output / ("quizcli" + suffix)),
                           exit_code=ExitCode.USAGE)
    n = ngettext("{n} question", "{n} questions", len(questions)).format(n=len(questions))
    ex.check_export_size(questions)
    if to_stdout:
        # The export alone on stdout, so that it can be piped; the note goes to stderr.
        data, result = _export_bytes(ex, fmt, library, questions, lang_, with_progress)
        typer.echo(data, nl=False)
        echo(_("wrote {questions} to standard output ({format})").format(questions=n, format=fmt), err=True)
        if with_progress:
            _progress_note(result, err=True)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "anki":      # straight to its file: genanki writes to a path
            result = _export_anki(library, questions, lang_, output, with_progress)
        else:
            output.write_bytes(_export_bytes(ex, fmt, library, questions, lang_, with_progress)[0])
    except OSError as err:   # a read-only folder, a full disk, a path through a file
        raise QuizcliError(_("cannot write {path}: {error}").format(path=output, error=err.strerror or err),
                           hint=_("choose another -o path, in a folder you can write to")) from err
    echo(_("wrote {questions} to {path} ({format})").format(questions=n, path=output, format=fmt))
    if with_progress:
        _progress_note(result, err=False)


def _progress_note(result, err: bool) -> None:  # type: ignore[no-untyped-def]
    echo(_("with the schedule of {cards} and {reviews}; not carried: {answers} (they never moved the schedule). "
           "In Anki, tick \"Import any learning progress\".").format(
        cards=ngettext("{n} card", "{n} cards", result.scheduled).format(n=result.scheduled),
        reviews=ngettext("{n} review", "{n} reviews", result.reviews).format(n=result.reviews),
        answers=ngettext("{n} quiz/cram answer", "{n} quiz/cram answers", result.not_carried).format(
            n=result.not_carried)), err=err)


def _export_anki(library, questions, show: str, output: Path, with_progress: bool):  # type: ignore[no-untyped-def]
    from quizcli.authoring.anki_export import Progress, export_anki
    from quizcli.clock import now_from_env

    now = now_from_env()()
    progress, retention = None, 0.9
    if with_progress:
        from quizcli.sessions.settings import scheduler_from_settings
        from quizcli.store import open_store

        with open_store(readonly=True) as store:
            data = store.export()
            retention = scheduler_from_settings(store, now).desired_retention
        progress = Progress(data["cards"], data["answers"])
    return export_anki(library, questions, show, output, now, progress, retention)


def _export_bytes(ex, fmt: str, library, questions: list, lang: str, with_progress: bool = False):  # type: ignore[no-untyped-def]
    """The export as the bytes of its file (at most the exporter's MAX_EXPORT_BYTES), and the Anki
    export's result (None for the others)."""
    if fmt == "anki":
        import tempfile

        # genanki writes to a path only: a private temporary file, read back.
        with tempfile.TemporaryDirectory(prefix="quizcli-export-") as tmp:
            deck = Path(tmp) / "deck.apkg"
            result = _export_anki(library, questions, lang, deck, with_progress)
            return deck.read_bytes(), result
    writer = {"csv": lambda: ex.export_csv(library, questions, lang),
              "markdown": lambda: ex.export_markdown(library, questions, lang),
              "json": lambda: ex.export_json(library, questions)}[fmt]
    text = writer()
    ex.check_written_size(text)
    return text.encode("utf-8"), None


def import_(
    source: Path = typer.Argument(..., metavar="FILE", help="A .apkg/.colpkg (Anki package), .csv/.tsv/.txt (Anki plain text), .md (Q:/A: cards) or .json (quizcli export)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="BANK.yaml", help="The bank file to write (a folder for a JSON export of several banks)."),
    bank_id: Optional[str] = typer.Option(None, "--id", metavar="ID", help="The new bank's id. Default: from the output file name."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="The new bank's title. Default: from the cards (their most common tag, else the first question)."),
    lang: Lang = None,
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
    with_progress: bool = typer.Option(False, "--with-progress", help="Anki packages: also add their review log to your progress, so the schedule continues."),
) -> None:
    """Turn cards from elsewhere into a bank that validates.

    Anki packages (.apkg, .colpkg; Anki's current and older formats): each
    note becomes a flashcard with its tags, HTML as plain text, images and
    sounds as markers; what cannot be carried is listed. Notes that quizcli
    exported come back in both languages with their question ids.

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

    from quizcli import config

    lang = config.resolve_lang(lang)      # the language the cards are written in
    bid = bank_id_for(bank_id or output.stem)
    if bid is None:
        raise QuizcliError(_("cannot make a bank id from {name}: ids hold only a-z, 0-9 and _").format(
                           name=repr(bank_id or output.stem)),
                           hint=_("give one with --id, e.g. --id notes"), exit_code=ExitCode.USAGE)
    if source.suffix.lower() in (".apkg", ".colpkg"):
        _import_apkg(source, output, bid, title or source.stem, lang, force, with_progress)
        return
    if with_progress:
        raise QuizcliError(_("--with-progress is for Anki packages (.apkg, .colpkg)"),
                           hint=_("quizcli's own progress moves with `quizcli progress export/import`"),
                           exit_code=ExitCode.USAGE)
    result = import_file(source, bid, title, lang)     # no --title: one from the cards' content
    if len(result.banks) == 1 and output.suffix.lower() in (".yaml", ".yml"):
        targets = [output]
    else:
        if output.suffix.lower() in (".yaml", ".yml"):
            raise QuizcliError(_("{path} holds {n} banks").format(path=source, n=len(result.banks)),
                               hint=_("give a folder to -o, one file per bank"))
        targets = [output / f"{b.get('id', f'bank{i}')}.yaml" for i, b in enumerate(result.banks)]
    for target in targets:
        if target.exists() and not force:
            raise QuizcliError(_("{path} already exists").format(path=target),
                               hint=_("choose another -o, or add --force"))
    for target, data in zip(targets, result.banks):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(bank_yaml(data, source.name), encoding="utf-8")
        except OSError as err:   # a read-only folder, a full disk, a path through a file
            raise QuizcliError(_("cannot write {path}: {error}").format(path=target, error=err.strerror or err),
                               hint=_("choose another -o path, in a folder you can write to")) from err
    for line in result.skipped:
        echo(_("skipped {line}").format(line=line), err=True)
    # Alone: a re-imported export of built-in questions shares their ids by design.
    problems = validate_paths(targets, against_builtin=False)
    if problems:
        raise BankError(problems)
    n = sum(len(b.get("questions", ())) for b in result.banks)
    echo(_("wrote {questions} to {paths}; it validates").format(
        questions=ngettext("{n} question", "{n} questions", n).format(n=n), paths=", ".join(map(str, targets))))


def _import_apkg(source: Path, output: Path, bid: str, title: str, lang: str, force: bool,
                 with_progress: bool) -> None:
    from quizcli.authoring.apkg import read_package
    from quizcli.authoring.importer import bank_yaml
    from quizcli.bank import validate_paths
    from quizcli.errors import BankError, ExitCode, QuizcliError

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise QuizcliError(_("{path}: the bank file must end in .yaml").format(path=output),
                           hint=_("e.g. -o my_deck.yaml"),
                           exit_code=ExitCode.USAGE)
    if output.exists() and not force:
        raise QuizcliError(_("{path} already exists").format(path=output), hint=_("choose another -o, or add --force"))
    package = read_package(source, bid, title, lang, with_progress)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(bank_yaml(package.bank, source.name), encoding="utf-8")
    except OSError as err:
        raise QuizcliError(_("cannot write {path}: {error}").format(path=output, error=err.strerror or err),
                           hint=_("choose another -o path, in a folder you can write to")) from err
    for line in package.not_carried:
        echo(_("not carried: {line}").format(line=line), err=True)
    problems = validate_paths([output], against_builtin=False)
    if problems:
        raise BankError(problems)
    n = len(package.bank["questions"])
    echo(_("wrote {questions} from {collection} to {path}; it validates").format(
        questions=ngettext("{n} question", "{n} questions", n).format(n=n), collection=package.collection,
        path=output))
    if package.progress is not None:
        from quizcli.store import open_store

        with open_store() as store:
            result = store.import_(package.progress, source=str(source))
        echo(_("progress: {reviews} added ({skipped} already present); {schedules} rebuilt with FSRS").format(
            reviews=ngettext("{n} review", "{n} reviews", result.added).format(n=result.added),
            skipped=result.skipped,
            schedules=ngettext("{n} schedule", "{n} schedules", result.cards).format(n=result.cards)))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("export", cls=Command, short_help=N_("Export questions to Anki, CSV, Markdown or JSON."), epilog=examples(
        "quizcli export -f anki -o dl-interview.apkg --lang zh",
        "quizcli export -f markdown -o gan.md --topic gan",
        "quizcli export -f json -o all.json         every bank, both languages",
        "quizcli export -f anki -o all.apkg --lang both --with-progress",
    ))(export)
    app.command("import", cls=Command, short_help=N_("Turn cards from elsewhere into a bank that validates."), epilog=examples(
        "quizcli import anki-notes.txt -o my_cards.yaml",
        "quizcli import notes.md -o my_notes.yaml --lang zh",
        "quizcli import all.json -o banks/          a JSON export of several banks",
        "quizcli import deck.apkg -o my_deck.yaml --with-progress",
    ))(import_)
