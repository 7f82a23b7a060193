"""Command: interview (#17)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from quizcli.commands.options import Bank, Command, Lang, Tag, Topic, examples
from quizcli.i18n import N_


def interview(
    topic: Topic = [],
    tag: Tag = [],
    minutes: float = typer.Option(20.0, "--minutes", "-m", min=1, metavar="MIN", help="The time budget: about one main question (with its follow-ups) per 4 minutes; no new question once it is spent."),
    lang: Lang = None,
    seed: Optional[int] = typer.Option(None, "--seed", metavar="INT", help="Seed for the choice and order of questions."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE", help="Also write the report as Markdown to FILE."),
    bank: Bank = [],
) -> None:
    """A mock interview: open questions answered in your own words.

    Type an answer over several lines (an empty line or Ctrl-D ends it; `e`
    opens $EDITOR). quizcli marks the key points your answer covers; confirm
    or correct them (Enter accepts, digits toggle, y all, n none). A missed
    point leads to the follow-up that probes it. The model answers and
    explanations come after each chain of follow-ups, with `d` for a demo.
    Every confirmed answer is stored at once and rated for review (all
    points good, at least half hard, fewer again). In a pipe, answers are
    read from stdin and the marks accepted, unless a line `!KEYS` follows
    the answer's empty line (`!13` toggles points 1 and 3, `!y`, `!n`).
    """
    from quizcli import config as config_mod
    from quizcli.bank.index import load_index
    from quizcli.errors import ExitCode, NotFoundError, QuizcliError
    from quizcli.clock import now_from_env
    from quizcli.selection import make_filters, new_seed, select
    from quizcli.sessions.interview import InterviewSession, plan
    from quizcli.sessions.settings import scheduler_from_settings
    from quizcli.store import interview as interview_store
    from quizcli.store import open_store
    from quizcli.ui import interview as ui
    from quizcli.ui import interview_report as ui_report
    from quizcli.ui.text import make_console

    cfg = config_mod.load()
    lang_ = config_mod.resolve_lang(lang, cfg)
    library = load_index(extra=bank, include_builtin=True)
    if bank:
        from quizcli.demo import registry

        registry.use_banks(bank)
    filters = make_filters(library, topic, tag, ["open"])
    infos = select(library, filters)
    if not infos:
        from quizcli.i18n import _

        raise NotFoundError(_("no open interview questions match these filters"),
                            hint=_("loosen them; `quizcli list --type open` shows the open questions"))

    def resolve(qid: str):
        try:
            return library.question(qid)
        except KeyError:
            return None

    seed_ = seed if seed is not None else new_seed()
    main = plan([library.question(i.id, i.bank_id) for i in infos], seed_, minutes)
    now = now_from_env()
    store = open_store()
    session = InterviewSession(main, store, scheduler_from_settings(store, now()), resolve,
                               lang=lang_, minutes=minutes, now=now)
    console = make_console()
    from quizcli.demo import warm

    # A demo worker warms up once the first question is shown (demo/warm.py).
    with warm.session():
        ui.run(session, console, lang=lang_, demo_seed=seed if seed is not None else 0)
    result = session.report(history=interview_store.answers(store))
    ui_report.render_report(console, result, lang_)
    if report is not None:
        texts = {r.question_id: r.text for r in session.results}
        try:
            report.write_text(ui_report.report_markdown(result, lang_, texts), encoding="utf-8")
        except OSError as err:
            raise QuizcliError(f"cannot write the report to {report}: {err.strerror or err}",
                               hint="check the folder exists and is writable; your answers are saved",
                               exit_code=ExitCode.BAD_INPUT) from None
        console.print(ui.plain(ui.t("saved", path=str(report)), "dim"))
    if session.ended_by == "interrupt":
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("interview", cls=Command, short_help=N_("A mock interview: open questions answered in your own words."), epilog=examples(
        "quizcli interview                                 about 20 minutes, mixed topics",
        "quizcli interview --topic bn --minutes 10 --lang zh",
        "quizcli interview --report interview.md           also write the report as Markdown",
        "printf 'my answer\\n\\n' | quizcli interview -m 4   answers from a pipe",
    ))(interview)
