"""Command: practice (code exercises, graded by running them)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from quizcli.commands.options import Bank, Command, Lang, Topic, examples
from quizcli.i18n import N_, _


def practice(
    question_id: Optional[str] = typer.Argument(None, metavar="[ID]", help="The exercise (a code question's id); "
                                                "default: the next due, else a new one."),
    list_: bool = typer.Option(False, "--list", help="List the code exercises with when each is due and your last result."),
    topic: Topic = [],
    check: Optional[Path] = typer.Option(None, "--check", metavar="FILE",
                                         help="Grade FILE against exercise ID and exit: 0 if every test passes, 1 if not. "
                                              "Nothing is recorded."),
    resume: bool = typer.Option(False, "--resume", help="Go on with your current file instead of a fresh starter."),
    no_watch: bool = typer.Option(False, "--no-watch", help="Grade only on Enter, not on every save."),
    lang: Lang = None,
    bank: Bank = [],
) -> None:
    """Practise code exercises: write the code, and a grader runs it against a reference.

    quizcli writes a starter file (the signature and the contract) into your
    data folder and prints its path. Save it in any editor and it is graded
    again (or press Enter; `e` opens $EDITOR): you see each test, and for each
    that fails what was expected, what came and on which input. `h` shows a
    hint, `s` the reference solution, `o` your last attempt, `q` quits. The
    result goes into the review schedule: passed without hints is good, with
    a hint hard, solution shown or given up again. Needs the `demos` extra
    (PyTorch). The grader runs in its own process with a time and memory limit.
    """
    from quizcli import config as config_mod
    from quizcli.bank.index import load_index
    from quizcli.errors import ExitCode, NotFoundError, QuizcliError
    from quizcli.clock import now_from_env
    from quizcli.sessions import practice as core
    from quizcli.ui.text import make_console

    cfg = config_mod.load()
    lang_ = config_mod.resolve_lang(lang, cfg)
    console = make_console()
    index = load_index(extra=bank, include_builtin=True)
    if topic:
        known = {b.id for b in index.banks}
        for t in topic:
            if t not in known:
                raise NotFoundError(_("there is no topic {topic}").format(topic=repr(t)),
                                    hint=_("the topics are {topics}").format(topics=", ".join(sorted(known))))
    code = [q for q in index.questions if core.is_code(q) and (not topic or q.bank_id in topic)]
    if check is not None and question_id is None:
        raise QuizcliError(_("--check needs the exercise: quizcli practice ID --check FILE"), exit_code=ExitCode.USAGE)
    if question_id is not None:
        info = index.info(question_id)
        if info is None:
            raise NotFoundError(_("there is no question {id}").format(id=repr(question_id)),
                                hint=_("`quizcli practice --list` shows the code exercises"))
        if not core.is_code(info):
            raise QuizcliError(_("{id} is a {type} question, not a code exercise").format(id=question_id,
                                                                                  type=info.type.value),
                               hint=_("quiz it with `quizcli show {id}`; `quizcli practice --list` shows the code "
                                      "exercises").format(id=question_id), exit_code=ExitCode.USAGE)
    from quizcli.ui import practice as ui

    now = now_from_env()
    if check is not None:
        from quizcli.exercise import folders, runner

        if not check.is_file():
            raise NotFoundError(_("there is no file {path}").format(path=check), hint=_("give the path of your solution"))
        files = folders.for_question(index.question(question_id))
        grade = runner.grade(check, files)
        ui.render_grade(console, grade, title=f"{question_id}: {check}")
        raise typer.Exit(0 if grade.passed else 1)

    from quizcli.store import open_store

    if list_:
        store = open_store(readonly=True)
        try:
            cards = store.cards_for(q.id for q in code)
            last = store.last_given(core.MODE)
        finally:
            store.close()
        import json

        def parsed(text: str | None) -> dict | None:
            try:
                return json.loads(text) if text else None
            except ValueError:
                return None

        ui.render_list(console, [(q, cards.get(q.id), parsed(last.get(q.id))) for q in code], now())
        return

    from quizcli.exercise.runner import check_can_run
    from quizcli.sessions.settings import scheduler_from_settings

    store = open_store()
    try:
        why = ""
        if question_id is None:
            picked, why = core.pick(code, store.cards_for(q.id for q in code), now())
            if picked is None:
                ui.render_nothing_due(console, core.next_due(code, store.cards_for(q.id for q in code)), now(),
                                      exercises=len(code))
                return
            question_id = picked.id
        question = index.question(question_id)
        session = core.PracticeSession(question, store, scheduler_from_settings(store, now()), now)
        check_can_run(session.files)
        ui.run(session, console, lang=lang_, watch=not no_watch, resume=resume, why=why)
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("practice", cls=Command, short_help=N_("Practise code exercises, graded by running your code."), epilog=examples(
        "quizcli practice                                  the next due (or a new) exercise",
        "quizcli practice bn-code-forward-train            one exercise",
        "quizcli practice --list --topic bn",
        "quizcli practice bn-code-forward-train --check my_bn.py   grade a file: exit 0 pass, 1 fail",
    ))(practice)
