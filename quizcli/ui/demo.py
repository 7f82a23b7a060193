"""Showing demos: live progress, the measurements, the checks, the verdict, the curves.

`show_demo` is what the quiz calls when the user presses the demo key: it
never raises for anything a demo does (crash, hang, NaN, no torch, unknown
id), so a quiz session always survives it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from rich import box
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn)
from rich.table import Table as RichTable
from rich.text import Text

from quizcli.demo import engine
from quizcli.demo.api import NOT_REPRODUCED
from quizcli.demo.engine import DemoOutcome
from quizcli.demo.registry import DemoInfo
from quizcli.errors import QuizcliError
from quizcli.model import Question, QuestionType, Verdict
from quizcli.ui.text import plain

VERDICT_STYLE = {"true": "bold green", "nuanced": "bold yellow", "false": "bold red", NOT_REPRODUCED: "bold magenta"}
STATUS_STYLE = {engine.OK: "green", engine.FAILED_CHECKS: "magenta"}


def verdict_label(verdict: str | None) -> str:
    if verdict == NOT_REPRODUCED:
        return "not reproduced in this run"
    if verdict in ("true", "nuanced", "false"):
        return Verdict(verdict).label
    return "none"


def fmt_number(v: Any) -> str:
    """Table cells: integers as they are, floats to 4 significant digits."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        if v == 0:
            return "0"
        if abs(v) >= 1e5 or abs(v) < 1e-3:
            return f"{v:.3e}"
        return f"{v:.4g}"
    return str(v)


def _numeric_cell(v: Any) -> bool:
    """A number, or a placeholder for one ("-", "n/a", empty)."""
    if v is None or isinstance(v, (int, float)):
        return True
    text = str(v).strip()
    if text in ("", "-", "–", "n/a", "NaN", "inf", "-inf"):
        return True
    try:
        float(text.replace("×", "").replace("%", "").replace("x", ""))
    except ValueError:
        return False
    return True


# --- the run --------------------------------------------------------------------


def _announce_time(console: Console, info) -> None:
    """Before a built-in demo that was measured at more than 5 s: how long it usually takes."""
    from quizcli import paths
    from quizcli.demo.timings import usual_time_note

    if Path(info.path).parent != paths.builtin_demos_dir():
        return
    note = usual_time_note(info.id)
    if note:
        console.print(Text(f"This demo {note} (measured: demos/timings.json).", style="dim"))


def show_demo(
    console: Console,
    demo_id: str,
    *,
    lang: str,
    seed: int = 0,
    device: str = "auto",
    plot: str | Path | None = None,
    treatment: bool = True,
    timeout: float | None = None,
    fresh: bool = False,
    server: Any = None,
    fresh_hint: str = "`--fresh` runs it again",
) -> DemoOutcome:
    """Run a demo with a live progress display and show everything it found.

    A run already in the results cache (demo/cache.py) is shown at once,
    marked as cached; `fresh` runs it again (and caches the new outcome).
    `server` is a warm fork server to run it in (demo/warm.py).
    Returns the outcome; never raises for a failing demo (a KeyboardInterrupt
    stops the demo only, as the INTERRUPTED outcome).
    """
    from quizcli.demo import registry
    from quizcli.ui.errors import print_error

    try:
        info = registry.load_demo(demo_id)
        if info.blocked:
            raise registry.UntrustedDemoError(info.blocked, hint=registry.trust_hint(info))
    except QuizcliError as err:
        print_error(err, console)
        return DemoOutcome(demo_id=demo_id, status=engine.ERROR, message=err.message, verdict=None,
                           result=None, elapsed_s=0.0, seed=seed, device=device, treatment=treatment)

    show_header(console, info, lang=lang, treatment=treatment)
    from quizcli.demo import cache

    cached = None if fresh or device not in engine.DEVICES else cache.lookup(info, seed=seed, device=device,
                                                                             treatment=treatment)
    if cached is not None:
        from quizcli.demo.cache import when

        console.print(Text(f"Cached: this run (same demo code, seed and device) measured on {when(cached)}; "
                           f"{fresh_hint}.", style="yellow"))
        render_outcome(console, cached, lang=lang)
        _save_plot(console, cached, info, plot, lang)
        return cached
    _announce_time(console, info)
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24),
                        TaskProgressColumn(), TimeElapsedColumn(), console=console, transient=True)
    warm = server is not None and getattr(server, "ready", False)
    task = progress.add_task("starting" if warm else "starting (importing PyTorch)", total=1.0)

    def on_progress(done: float, message: str) -> None:
        progress.update(task, completed=done, description=message or "running")

    # Without a terminal (a pipe, a test) a live display only leaves blank lines.
    live = console.is_terminal
    try:
        with progress if live else contextlib.nullcontext():
            outcome = engine.run_demo(info, seed=seed, device=device, treatment=treatment,
                                      timeout=timeout, on_progress=on_progress if live else None, server=server)
    except QuizcliError as err:   # e.g. an unknown device name
        print_error(err, console)
        return DemoOutcome(demo_id=demo_id, status=engine.ERROR, message=err.message, verdict=None,
                           result=None, elapsed_s=0.0, seed=seed, device=device, treatment=treatment, info=info)
    except Exception as err:   # a bug in the engine must not end a quiz session either
        console.print(plain(f"the demo could not be started: {type(err).__name__}: {err}", style="red"))
        return DemoOutcome(demo_id=demo_id, status=engine.ERROR, message=str(err), verdict=None,
                           result=None, elapsed_s=0.0, seed=seed, device=device, treatment=treatment, info=info)
    cache.store(outcome)
    render_outcome(console, outcome, lang=lang)
    _save_plot(console, outcome, info, plot, lang)
    return outcome


def _save_plot(console: Console, outcome: DemoOutcome, info: DemoInfo, plot: str | Path | None, lang: str) -> None:
    if plot is None or outcome.result is None:
        return
    from quizcli.ui.errors import print_error
    from quizcli.ui.plot import save_figure

    try:
        saved = save_figure(Path(plot), outcome.result, title=info.text("title", lang),
                            fallback_title=info.text("title", "en"))
        console.print(plain(f"Saved the figure to {saved}", style="dim"))
    except QuizcliError as err:
        print_error(err, console)


def show_header(console: Console, info: DemoInfo, *, lang: str, treatment: bool = True) -> None:
    console.print(Text("Demo: ", style="bold") + plain(info.text("title", lang), style="bold") +
                  plain(f"  ({info.id})", style="dim"))
    console.print(Text("Claim: ", style="bold") + plain(info.text("claim", lang)))
    line = Text("Treatment: ", style="bold") + plain(info.text("treatment", lang))
    if not treatment:
        line += Text("  (switched off: --no-treatment)", style="magenta")
    console.print(line)
    console.print()


def render_outcome(console: Console, outcome: DemoOutcome, *, lang: str) -> None:
    """The table, the checks, the verdict with its finding, then the curves."""
    result = outcome.result
    if result is None:
        _render_failure(console, outcome)
        return
    if result.settings:
        settings = ", ".join(f"{k}={fmt_number(v)}" for k, v in result.settings.items())
        console.print(plain("Settings: " + settings, style="dim"))
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for i, col in enumerate(result.table.columns):
        # Numbers line up on the right; words ("N, H, W (per channel)") read
        # from the left, also in the later columns.
        numeric = i > 0 and all(_numeric_cell(row[i]) for row in result.table.rows if i < len(row))
        table.add_column(plain(str(col)), justify="right" if numeric else "left")
    for row in result.table.rows:
        table.add_row(*(plain(fmt_number(v)) for v in row))
    console.print(table)

    console.print(Text("Checks", style="bold"))
    # A grid, so a long check name wraps inside its own column.
    checks = RichTable.grid(padding=(0, 2))   # 2: a long name must not run into its numbers
    checks.add_column(no_wrap=True)
    checks.add_column(ratio=1)
    checks.add_column(no_wrap=True, justify="right")
    for check in result.checks:
        mark = Text("  ✓ pass", style="green") if check.passed else Text("  ✗ FAIL", style="bold red")
        numbers = Text(f"{fmt_number(check.value)} {check.op} {fmt_number(check.threshold)}", style="dim")
        checks.add_row(mark, plain(check.name), numbers)
    console.print(checks)
    console.print()

    label = verdict_label(outcome.verdict)
    line = Text("Verdict: ", style="bold") + Text(label, style=VERDICT_STYLE.get(outcome.verdict or "", "bold"))
    if outcome.verdict == NOT_REPRODUCED and outcome.info is not None:
        line += Text(f"  (the literature's verdict, {verdict_label(outcome.info.verdict)}, is not backed by this run)",
                     style="dim")
    console.print(line)
    if outcome.status == engine.OK:
        finding = result.finding.get(lang) or result.finding.get("en" if lang == "zh" else "zh", "")
        console.print(plain(finding))
    else:
        console.print(plain(outcome.message, style="magenta"))
    console.print()

    from quizcli.ui.plot import print_plots

    print_plots(console, result)
    _footer(console, outcome)


def _footer(console: Console, outcome: DemoOutcome) -> None:
    parts = [f"seed {outcome.seed}", f"device {outcome.device_used or outcome.device}",
             f"{outcome.elapsed_s:.1f} s"]
    if outcome.run_s is not None:
        parts[-1] += f" (the experiment itself {outcome.run_s:.1f} s)"
    if not outcome.treatment:
        parts.append("treatment off")
    if outcome.cached_at is not None:
        from quizcli.demo.cache import when

        parts.append(f"cached {when(outcome)}")
    console.print(Text(" · ".join(parts), style="dim"))


def _render_failure(console: Console, outcome: DemoOutcome) -> None:
    titles = {
        engine.TIMEOUT: "The demo timed out",
        engine.MISSING_TORCH: "The demo cannot run here",
        engine.INTERRUPTED: "The demo was stopped",
        engine.NAN: "The demo produced NaN",
    }
    title = titles.get(outcome.status, "The demo failed")
    if outcome.status == engine.INTERRUPTED:   # its message only repeats the title
        console.print(Text(f"{title} (Ctrl-C).", style="bold yellow"))
        return
    console.print(Text(f"{title}: ", style="bold red") + plain(outcome.message))
    if outcome.traceback and os.environ.get("QUIZCLI_TRACEBACK"):
        console.print(plain(outcome.traceback, style="dim"))
    elif outcome.status == engine.ERROR and outcome.info is not None and (outcome.traceback or outcome.stderr_tail):
        # Only where there is a traceback to see: an unavailable --device is
        # a plain message, with its fix already in it.
        console.print(plain(f"To see the traceback: QUIZCLI_TRACEBACK=1, or run "
                            f"`python -m quizcli.demo.runner {outcome.info.path} --device cpu`", style="dim"))


# --- a question's answer (for `explain QUESTION_ID`) ----------------------------------


def show_question_answer(console: Console, question: Question, *, lang: str) -> None:
    """The question, its answer and its explanation (all text shown literally)."""
    console.print(Text(f"{question.id}", style="dim"))
    console.print(plain(question.prompt.get(lang), style="bold"))
    answer = Text("Answer: ", style="bold")
    t = question.type
    if t in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        console.print(answer)
        for choice in question.choices:
            mark = Text("  ✓ ", style="green") if choice.correct else Text("  · ", style="dim")
            line = mark + plain(choice.text.get(lang), style="bold" if choice.correct else "")
            if choice.why is not None:
                line += plain(" — " + choice.why.get(lang), style="dim")
            console.print(line)
    else:
        if t is QuestionType.TRUE_FALSE:
            answer += Text("true" if question.answer_bool else "false")
        elif t is QuestionType.NUMERIC:
            value = fmt_number(question.answer_number)
            if question.tolerance:
                value += f" ± {fmt_number(question.tolerance)}"
            answer += plain(value + (f" {question.unit}" if question.unit else ""))
        elif question.answer_text is not None:
            answer += plain(question.answer_text.get(lang))
        elif question.accept:
            answer += plain(question.accept[0])
        console.print(answer)
    console.print(Text("Why: ", style="bold") + plain(question.explanation.get(lang)))
    for ref in question.refs:
        console.print(plain("  ref: " + ref, style="dim"))
    console.print()


# --- lists and tables -------------------------------------------------------------


def render_demo_list(console: Console, infos: Sequence[DemoInfo], links: dict[str, list[str]], *, lang: str) -> None:
    """A demo's id, then its title, claims and questions under each other (a
    table's columns would wrap at 80 columns); a grid keeps the hanging indent
    when a long list of question ids wraps."""
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    for info in infos:
        text = plain(info.text("title", lang))
        if info.long:
            text += Text("  (long)", style="dim")
        if info.blocked:
            text += Text("  (untrusted: will not run)", style="magenta")
        text += plain("\nclaims: " + ", ".join(info.claims), style="dim")
        text += plain("\nquestions: " + (", ".join(links.get(info.id, [])) or "none yet"), style="dim")
        grid.add_row(plain(info.id), text)
    console.print(grid)
    console.print(Text(f"{len(infos)} demo{'s' if len(infos) != 1 else ''}", style="dim"))


def render_verify(console: Console, outcomes: Sequence[DemoOutcome], *, wall_s: float, skipped: Sequence[str] = ()) -> None:
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("demo", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("verdict")
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("note")
    for o in outcomes:
        status = Text(o.status, style=STATUS_STYLE.get(o.status, "bold red"))
        verdict = Text(verdict_label(o.verdict) if o.verdict else "-",
                       style=VERDICT_STYLE.get(o.verdict or "", "dim"))
        table.add_row(Text(o.demo_id), status, verdict, Text(f"{o.elapsed_s:.1f} s"), plain(o.message))
    console.print(table)
    ok = sum(o.ok for o in outcomes)
    stopped = sum(o.status == engine.INTERRUPTED for o in outcomes)
    bad = len(outcomes) - ok - stopped
    summary = Text(f"{ok} passed", style="green" if ok else "")
    if bad:
        summary += Text(", ") + Text(f"{bad} failed", style="bold red")
    if stopped:   # Ctrl-C: not a failure of the demo
        summary += Text(", ") + Text(f"{stopped} stopped", style="yellow")
    if skipped:
        summary += Text(f", {len(skipped)} long skipped (--all runs them)", style="dim")
    summary += Text(f" in {wall_s:.1f} s", style="dim")
    if any(o.forked for o in outcomes):
        # Forked from a fork server: the import was paid once per job, not per demo.
        summary += Text("; demo times leave out torch's import, done once per job", style="dim")
    console.print(summary)


def note(console: Console, text: str) -> None:
    """A dim line of our own words (text from a bank or a path is escaped)."""
    console.print(plain(text, "dim"))


@contextlib.contextmanager
def verify_progress(console: Console, total: int) -> Iterator[tuple[Callable | None, Callable | None]]:
    """A live progress bar for `demos verify`: yields the engine's on_start and
    on_done callbacks (None and None without a terminal, where a live display
    would only leave a blank line)."""
    if not console.is_terminal:
        yield None, None
        return
    running: list[str] = []
    progress = Progress(TextColumn("verifying"), BarColumn(bar_width=24), MofNCompleteColumn(),
                        TimeElapsedColumn(), TextColumn("{task.description}"), console=console, transient=True)
    task = progress.add_task("", total=total)

    def on_start(info: DemoInfo) -> None:
        running.append(info.id)
        progress.update(task, description=", ".join(running))

    def on_done(outcome: DemoOutcome) -> None:
        if outcome.demo_id in running:
            running.remove(outcome.demo_id)
        progress.update(task, advance=1, description=", ".join(running))

    with progress:
        yield on_start, on_done

