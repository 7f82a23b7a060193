"""Command: quiz."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

TOPIC_HELP = "Bank id to ask from; repeat for several (see `quizcli topics`)."
TAG_HELP = "Only questions with this tag; repeat for any of several."
TYPE_HELP = "Only this question type: single_choice, multiple_choice, true_false, numeric, short_answer, flashcard; repeatable."
DIFFICULTY_HELP = "A level 1-5 (`2`) or a range (`1-3`)."
LANG_HELP = "Question language, en or zh. Default: `lang` in the config file, else the locale."
BANK_HELP = "A bank file or a folder of banks to use beside the built-in ones; repeatable. Also $QUIZCLI_BANKS."


def quiz(
    topic: List[str] = typer.Option([], "--topic", "-t", metavar="ID", help=TOPIC_HELP),
    tag: List[str] = typer.Option([], "--tag", metavar="TAG", help=TAG_HELP),
    type_: List[str] = typer.Option([], "--type", metavar="TYPE", help=TYPE_HELP),
    difficulty: Optional[str] = typer.Option(None, "--difficulty", "-d", metavar="LEVEL", help=DIFFICULTY_HELP),
    count: Optional[int] = typer.Option(None, "-n", "--count", min=0, metavar="N",
                                        help="How many questions; 0 for all. Default: `count` in the config file, else 10."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="INT", help="Seed for the order of questions and choices; the same seed and filters ask the same quiz."),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="en|zh", help=LANG_HELP),
    bank: List[Path] = typer.Option([], "--bank", "-b", metavar="PATH", help=BANK_HELP),
) -> None:
    """Start a quiz in the terminal.

    After each answer you see whether it was right, the answer, the
    explanation and references; where a demo backs the answer, `d` runs it.
    Enter or `s` skips, `q` quits; Ctrl-C and Ctrl-D also end the quiz with
    the summary.
    """
    from quizcli import config as config_mod
    from quizcli.bank.index import load_index
    from quizcli.errors import ExitCode, NotFoundError
    from quizcli.session import QuizSession, make_filters, new_seed, select
    from quizcli.store import recorder
    from quizcli.ui import quiz as ui
    from quizcli.ui.text import make_console

    cfg = config_mod.load()
    lang_ = config_mod.resolve_lang(lang, cfg)
    # The index, not the full library: only the questions asked are built.
    library = load_index(extra=bank, include_builtin=True)
    if bank:
        # A --bank may bring its own demos/ folder: the `d` key must find them
        # (registry is standard library only: no torch here).
        from quizcli.demo import registry

        registry.use_banks(bank)
    filters = make_filters(library, topic, tag, type_, difficulty)
    questions = select(library, filters)
    # Code exercises (#18) are answered with code: `quizcli practice`, not the quiz.
    from quizcli.model import QuestionType

    code = sum(q.type is QuestionType.CODE for q in questions)
    questions = [q for q in questions if q.type is not QuestionType.CODE] if code else questions
    if code and not questions:
        raise NotFoundError("code exercises are not asked in a quiz",
                            hint="practise them with `quizcli practice` (`quizcli practice --list`)")
    if not questions:
        raise NotFoundError("no questions match these filters",
                            hint="loosen them; `quizcli list` with the same filters shows what matches")
    session = QuizSession(
        questions, seed=seed if seed is not None else new_seed(),
        count=cfg.count if count is None else count,
        # The one seam for progress: the store's recorder plugs in here.
        on_answer=recorder(),
        resolve=lambda info: library.question(info.id, info.bank_id),
    )
    summary = ui.run(session, make_console(), lang=lang_, demo_seed=seed if seed is not None else 0)
    if summary.ended_by == "interrupt":
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def _examples(*lines: str) -> str:
    """An epilog of examples; the \\b keeps the help formatter from rewrapping it."""
    return "\b\nExamples:\n" + "\n".join("  " + line for line in lines)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("quiz", epilog=_examples(
        "quizcli quiz                              ten questions from every bank",
        "quizcli quiz --topic gan --lang zh -n 5   five GAN questions in Chinese",
        "quizcli quiz --type numeric -d 3-5        the harder numeric questions",
        "quizcli quiz --bank my_notes.yaml         your bank beside the built-in ones",
    ))(quiz)
