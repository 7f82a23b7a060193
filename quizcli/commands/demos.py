"""Commands: `explain ID`, `demos list`, `demos verify`.

Only typer at module level: the engine (standard library), the UI (Rich) and
the bank loader are imported inside the commands; torch only ever runs in
the demo's own process.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from quizcli.commands import complete
from quizcli.commands.options import Bank, Command, Json, Lang, echo, examples, group
from quizcli.i18n import N_

DEVICE_HELP = "Where the demo runs: auto (cuda, else mps, else cpu), cpu, cuda or mps."

demos_app = group("demos", "List the demos and verify that each one still backs its verdict.")


def _exit_code(statuses: list[str]) -> int:
    from quizcli.demo import engine
    from quizcli.errors import ExitCode

    bad = [s for s in statuses if s != engine.OK]
    if not bad:
        return ExitCode.OK
    if engine.INTERRUPTED in bad:
        return ExitCode.INTERRUPTED
    if all(s == engine.MISSING_TORCH for s in bad):
        return ExitCode.MISSING_EXTRA
    if all(s == engine.FAILED_CHECKS for s in bad):
        return ExitCode.FAILURE
    return ExitCode.DEMO_ERROR


def _check_device(device: str) -> None:
    from quizcli.demo.contract import DEVICES
    from quizcli.errors import ExitCode, QuizcliError

    if device not in DEVICES:
        raise QuizcliError(f"--device {device!r} is not a device", hint=f"use one of {', '.join(DEVICES)}",
                           exit_code=ExitCode.USAGE)


def _check_device_present(device: str) -> None:
    """A device named (cuda, mps) must be there: refused before anything is
    printed. This imports torch here, once, where `auto` and `cpu` leave it to
    the demo's own process."""
    if device not in ("cuda", "mps"):
        return
    from quizcli.demo.runner import DemoFailure, resolve_device
    from quizcli.errors import ExitCode, QuizcliError

    try:
        resolve_device(device)
    except DemoFailure as err:
        missing = err.kind == "missing-torch"
        message, _sep, hint = err.message.partition("; ")
        raise QuizcliError(message, hint=hint or None,
                           exit_code=ExitCode.MISSING_EXTRA if missing else ExitCode.USAGE) from None


def _check_plot(demo_id: str) -> None:
    """`--plot` on a demo measured to draw nothing is refused before it runs."""
    from quizcli.demo import timings
    from quizcli.errors import ExitCode, QuizcliError

    m = timings.measured(demo_id)
    if m is not None and m.plots == 0:
        raise QuizcliError(f"demo {demo_id} has no curves or scatter plots, so --plot would save nothing",
                           hint="leave out --plot; its numbers are in its table (or use --json)",
                           exit_code=ExitCode.USAGE)


def explain(
    item_id: str = typer.Argument(..., metavar="ID", help="A question id (shows its answer first) or a demo id.",
                                  autocompletion=complete.question_or_demo_ids),
    seed: int = typer.Option(0, "--seed", metavar="INT", help="Seed of the run; the same seed gives the same numbers."),
    device: str = typer.Option("auto", "--device", metavar="DEVICE", help=DEVICE_HELP),
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE.png", help="Also save the curves as a figure."),
    as_json: Json = False,
    lang: Lang = None,
    no_treatment: bool = typer.Option(False, "--no-treatment", help="Debugging: run with the treatment switched off (its checks should fail)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, metavar="SECONDS", help="Stop the demo after this many seconds (default: 90, long demos 600)."),
    fresh: bool = typer.Option(False, "--fresh", help="Run the demo even if this run's outcome is cached."),
    bank: Bank = [],
) -> None:
    """Show a question's answer, then run the demo that backs it, with numbers measured in this run.

    The demo runs a treatment and a control side by side, shows the measurements,
    each check as pass or fail, the verdict and the curves. When a check fails the
    verdict is "not reproduced in this run". A CPU run already made with the same
    demo code, seed and settings is shown at once from the cache, marked with its
    date; --fresh runs it again.
    """
    from quizcli.config import resolve_lang
    from quizcli.demo import engine, registry
    from quizcli.errors import NotFoundError
    from quizcli.i18n import _
    from quizcli.ui.output import Explained, emit

    _check_device(device)
    _check_device_present(device)
    lang_ = resolve_lang(lang)
    registry.use_banks(bank)
    question = None
    library = None
    demo_id = item_id
    if item_id not in registry.demo_ids():
        from quizcli.bank import load_library

        library = load_library(extra=bank)
        question = library.question(item_id)
        if question is None:
            raise NotFoundError(_("{id} is neither a question id nor a demo id").format(id=repr(item_id)),
                                hint=_("see `quizcli list` for questions and `quizcli demos list` for demos"))
        demo_id = question.demo or ""
    if plot is not None and demo_id:
        _check_plot(demo_id)
    question_id = question.id if question else None

    if as_json:
        if question is not None and not question.demo:
            raise NotFoundError(f"question {item_id!r} has no demo")
        # Unwatched, and an unknown or untrusted demo is the command's error (exit status, stderr).
        from quizcli.demo import cache

        info = registry.load_demo(demo_id)
        outcome = None
        if not fresh and not info.blocked:
            outcome = cache.lookup(info, seed=seed, device=device, treatment=not no_treatment)
        if outcome is None:
            outcome = engine.run_demo(info, seed=seed, device=device, treatment=not no_treatment, timeout=timeout)
            cache.store(outcome)
        emit(Explained(question_id, outcome), as_json=True)
        if plot is not None and outcome.result is not None:
            _save_plot(plot, outcome, lang_)
        raise typer.Exit(_exit_code([outcome.status]))

    from quizcli.demo.play import play
    from quizcli.ui.demo import note, show_question_answer, watch
    from quizcli.ui.text import make_console

    console = make_console()
    if question is not None:
        show_question_answer(console, question, lang=lang_)
        if question.claim and library is not None:
            from quizcli.bank.article import load_article
            from quizcli.ui.browse import article_lines

            article = load_article()
            said = article.claim(question.claim) if article is not None else None
            if said is not None:
                for line in article_lines(said, lang_, library.claim(question.claim)):
                    console.print(line)
                console.print()
        if not question.demo:
            note(console, _("This question has no demo; its references are above."))
            return
    played = play(demo_id, seed=seed, device=device, treatment=not no_treatment, timeout=timeout,
                  watch=watch(console, lang=lang_, treatment=not no_treatment), fresh=fresh)
    emit(Explained(question_id, played.outcome, played.error), as_json=False, lang=lang_, console=console)
    outcome = played.outcome
    if plot is not None and outcome.result is not None:
        # A figure asked for and not written (a demo without curves, an
        # unwritable path) fails the command.
        note(console, _("Saved the figure to {path}").format(path=_save_plot(plot, outcome, lang_)))
    raise typer.Exit(_exit_code([outcome.status]))


def _save_plot(plot: Path, outcome, lang: str) -> Path:
    from quizcli.ui.plot import save_figure

    return save_figure(plot, outcome.result, title=outcome.info.text("title", lang) if outcome.info else "",
                       fallback_title=outcome.info.text("title", "en") if outcome.info else "", lang=lang)


@demos_app.command("list", cls=Command, short_help=N_("List the demos, their claims and questions."), epilog=examples(
    "quizcli demos list",
    "quizcli demos list --lang zh --json",
))
def list_demos(
    as_json: Json = False,
    lang: Lang = None,
    bank: Bank = [],
) -> None:
    """List every demo: id, title, the claims it tests and the questions that link it."""
    from quizcli.config import resolve_lang
    from quizcli.demo import registry
    from quizcli.ui.output import Demos, emit

    lang_ = resolve_lang(lang)
    registry.use_banks(bank)
    infos, problems = registry.list_demos(strict=False)
    links, warning = _question_links(bank)
    emit(Demos(infos, links), as_json=as_json, lang=lang_)
    if warning:
        echo(warning, err=True)
    if problems:
        raise registry.DemoMetaError(problems)


def _question_links(banks: List[Path]) -> tuple[dict[str, list[str]], str]:
    """demo id -> ids of the questions that name it (and a warning if banks could not load)."""
    from quizcli.bank import load_library
    from quizcli.errors import BankError

    try:
        library = load_library(extra=banks)
    except BankError as err:
        return {}, f"warning: question links not shown: {err.message} (check with `quizcli bank validate`)"
    links: dict[str, list[str]] = {}
    for q in library.questions:
        if q.demo:
            links.setdefault(q.demo, []).append(q.id)
    return links, ""


@demos_app.command("verify", cls=Command, short_help=N_("Run the demos; exit non-zero if one fails."), epilog=examples(
    "quizcli demos verify                 every demo but the long ones",
    "quizcli demos verify bn_small_batch --seed 3",
    "quizcli demos verify --all -j 2",
))
def verify(
    ids: Optional[List[str]] = typer.Argument(None, metavar="ID", help="Demo ids (default: every demo).",
                                              autocompletion=complete.demo_ids),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, metavar="N", help="How many demos run side by side."),
    as_json: Json = False,
    run_all: bool = typer.Option(False, "--all", help="Also run the long demos."),
    seed: int = typer.Option(0, "--seed", metavar="INT", help="Seed of every run."),
    seeds_text: Optional[str] = typer.Option(None, "--seeds", metavar="SEEDS",
                                             help="A sweep: run every demo once per seed (0-19, 0,3,7) and show, per demo, the seeds that passed and the worst margin."),
    device: str = typer.Option("cpu", "--device", metavar="DEVICE", help=DEVICE_HELP),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, metavar="SECONDS", help="Seconds before a demo is stopped (default: 90, long demos 600)."),
    bank: Bank = [],
) -> None:
    """Run every demo and check that it still backs its verdict; exits non-zero if one fails.

    Long demos are skipped unless --all is given or they are named. Demos that come
    with an untrusted user bank are skipped unless named. The longest demos (as
    measured, demos/timings.json) start first.
    """
    import time

    from quizcli.demo import engine, registry
    from quizcli.ui.output import Verified, emit

    _check_device(device)
    seeds = _parse_seeds(seeds_text) if seeds_text is not None else None
    _check_device_present(device)
    registry.use_banks(bank)
    infos, problems = registry.list_demos(strict=False)
    by_id = {i.id: i for i in infos}
    skipped: list[str] = []
    if ids:
        invalid = {Path(p.file).stem for p in problems}
        missing = [i for i in ids if i not in by_id and i not in invalid]
        if missing:
            from quizcli.errors import NotFoundError

            raise NotFoundError(f"no demo with the id {', '.join(repr(m) for m in missing)}",
                                hint="see `quizcli demos list`")
        chosen = [by_id[i] for i in ids if i in by_id]
        problems = [p for p in problems if Path(p.file).stem in ids]
    else:
        chosen = []
        for info in infos:
            if (info.long and not run_all) or info.blocked:
                skipped.append(info.id)
            else:
                chosen.append(info)

    run_kwargs = dict(jobs=jobs, seed=seed, seeds=seeds, device=device, timeout=timeout,
                      durations=registry.durations())
    start = time.monotonic()
    if as_json:
        outcomes = engine.run_many(chosen, **run_kwargs)
        console = None
    else:
        from quizcli.ui.demo import verify_progress
        from quizcli.ui.text import make_console

        console = make_console()
        with verify_progress(console, len(chosen) * len(seeds or [seed])) as (on_start, on_done):
            outcomes = engine.run_many(chosen, on_start=on_start, on_done=on_done, **run_kwargs)
    emit(Verified(outcomes, time.monotonic() - start, jobs, seed, skipped, problems, seeds), as_json=as_json,
         console=console)
    code = _exit_code([o.status for o in outcomes])
    if problems and code == 0:
        from quizcli.errors import ExitCode

        code = ExitCode.BAD_INPUT
    raise typer.Exit(code)


@demos_app.command("clear-cache", cls=Command, short_help=N_("Forget the cached outcomes of demos already run."),
                   epilog=examples("quizcli demos clear-cache"))
def clear_cache() -> None:
    """Remove every cached demo outcome (the next run of each demo measures again).

    Outcomes of CPU runs are kept in the cache folder under the quizcli data
    folder (`$QUIZCLI_HOME/cache/demos`), at most 50 MB, the least recently
    used going first.
    """
    from quizcli.commands.options import echo
    from quizcli.demo import cache

    count, size = cache.clear()
    echo(f"Removed {count} cached demo outcome{'s' if count != 1 else ''} ({size / 1024:.0f} KiB) "
         f"from {cache.folder()}")


def _parse_seeds(text: str) -> list[int]:
    from quizcli.demo.sweep import parse_seeds
    from quizcli.errors import ExitCode, QuizcliError

    try:
        return parse_seeds(text)
    except ValueError as err:
        raise QuizcliError(f"--seeds {text!r}: {err}", hint="write seeds as 0-19, 0,3,7 or 0-4,10",
                           exit_code=ExitCode.USAGE) from None


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("explain", cls=Command, short_help=N_("Run the demo that backs a question's answer."), epilog=examples(
        "quizcli explain bn-rnn-never              a question's answer, then its demo",
        "quizcli explain bn_small_batch --seed 3   a demo, by its id",
        "quizcli explain bn_small_batch --plot curves.png",
    ))(explain)
    app.add_typer(demos_app, name="demos", short_help=N_("List the demos and verify that they still back their verdicts."))
