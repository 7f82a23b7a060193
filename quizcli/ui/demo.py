"""Showing demos: live progress, the measurements, the checks, the verdict, the curves.

The demo runs in quizcli.demo.play (it never raises for anything a demo
does: crash, hang, NaN, no torch, unknown id); this module only shows it:
`watch` while it runs, `render_played` after. `show_demo` joins the two
for the quiz's `d` key.
"""

from __future__ import annotations

import contextlib
import math
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
from quizcli.demo.contract import BOOL_LABELS, label_for
from quizcli.demo.engine import DemoOutcome
from quizcli.demo.registry import DemoInfo
from quizcli.errors import QuizcliError
from quizcli.i18n import _, lang_text, ngettext, pgettext
from quizcli.model import Question, QuestionType
from quizcli.ui.text import plain

VERDICT_STYLE = {"true": "bold green", "nuanced": "bold yellow", "false": "bold red", NOT_REPRODUCED: "bold magenta"}
STATUS_STYLE = {engine.OK: "green", engine.FAILED_CHECKS: "magenta"}


def verdict_label(verdict: str | None) -> str:
    """A verdict in words, in the interface's language (成立 / 部分成立 / 按原文表述不成立)."""
    if verdict == NOT_REPRODUCED:
        return _("not reproduced in this run")
    if verdict == "true":
        return pgettext("verdict", "true")
    if verdict == "nuanced":
        return pgettext("verdict", "nuanced")
    if verdict == "false":
        return pgettext("verdict", "false as stated")
    return _("none")


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


def _setting_value(v: Any, lang: str) -> str:
    """A setting's value: a label in `lang` (a boolean too), else a number."""
    if isinstance(v, bool):
        return lang_text(BOOL_LABELS[v], lang)
    if isinstance(v, dict) and ("en" in v or "zh" in v):
        return lang_text(v, lang)
    return fmt_number(v)


def _needs_exponent(v: float) -> bool:
    return v != 0 and math.isfinite(v) and (abs(v) >= 1e4 or abs(v) < 1e-3)


def fmt_column(values: Sequence[Any]) -> list[str]:
    """One format for a whole column (or a check's numbers), so that they compare at a glance.

    Floats get 4 significant digits with their trailing zeros kept (0.7300
    beside 0.6230, not 0.73 beside 0.623); if one of them needs an exponent,
    all do (1.000e-06 beside 1.000e-03, not 1e-06 beside 0.001). Integers,
    words and NaN are shown as they are.
    """
    floats = [v for v in values if isinstance(v, float) and not isinstance(v, bool)]
    exponent = any(_needs_exponent(v) for v in floats)
    out = []
    for v in values:
        if not isinstance(v, float) or isinstance(v, bool) or not math.isfinite(v):
            out.append(fmt_number(v))
        elif exponent:
            out.append(f"{v:.3e}")
        elif v == 0:
            out.append("0")
        else:
            out.append(f"{v:#.4g}".rstrip(".") if abs(v) >= 1000 else f"{v:#.4g}")
    return out


def fmt_check(check: Any) -> str:
    """`4.227 > 100 x 0.1075` for a check with a factor, else `4.227 > 10.75`, in one format."""
    if check.factor is not None and check.base is not None:
        value, base = fmt_column([check.value, check.base])
        return f"{value} {check.op} {check.factor:g} x {base}"
    value, threshold = fmt_column([check.value, check.threshold])
    return f"{value} {check.op} {threshold}"


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
        console.print(Text(_("This demo {note} (measured: demos/timings.json).").format(note=note), style="dim"))


def watch(console: Console, *, lang: str, treatment: bool = True, warm: bool = False) -> Callable[[DemoInfo], Any]:
    """What quizcli.demo.play.play's `watch` shows: the demo's header, how
    long it usually takes, then a live progress bar while it runs (`warm`:
    in a worker that has imported PyTorch already, quizcli.demo.warm)."""

    @contextlib.contextmanager
    def watching(info: DemoInfo) -> Iterator[Callable[[float, str], None] | None]:
        show_header(console, info, lang=lang, treatment=treatment)
        _announce_time(console, info)
        # Without a terminal (a pipe, a test) a live display only leaves blank lines.
        if not console.is_terminal:
            yield None
            return
        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24),
                            TaskProgressColumn(), TimeElapsedColumn(), console=console, transient=True)
        task = progress.add_task(_("starting") if warm else _("starting (importing PyTorch)"), total=1.0)

        def on_progress(done: float, message: str) -> None:
            progress.update(task, completed=done, description=message or _("running"))

        with progress:
            yield on_progress

    return watching


def render_played(console: Console, outcome: DemoOutcome, error: BaseException | None, *, lang: str) -> None:
    """A run's outcome; or, for a demo that did not start, why not."""
    if isinstance(error, QuizcliError):
        from quizcli.ui.errors import print_error

        print_error(error, console)
    elif error is not None:
        console.print(plain(_("the demo could not be started: {error}").format(error=f"{type(error).__name__}: {error}"),
                            style="red"))
    else:
        render_outcome(console, outcome, lang=lang)


def show_demo(console: Console, demo_id: str, *, lang: str, seed: int = 0, fresh: bool = False,
              server: Any = None) -> DemoOutcome:
    """What the quiz's `d` key does: run a demo (quizcli.demo.play), watched, then show what it found.

    A run in the results cache is shown from there unless `fresh`; `server`
    is the session's warm worker (quizcli.demo.warm), if it has one.
    Never raises for a failing demo (a KeyboardInterrupt stops the demo
    only, as the INTERRUPTED outcome).
    """
    from quizcli.demo.play import play

    warm = server is not None and bool(getattr(server, "ready", False))
    played = play(demo_id, seed=seed, watch=watch(console, lang=lang, warm=warm), fresh=fresh, server=server)
    render_played(console, played.outcome, played.error, lang=lang)
    return played.outcome


def show_header(console: Console, info: DemoInfo, *, lang: str, treatment: bool = True) -> None:
    console.print(Text(_("Demo: "), style="bold") + plain(info.text("title", lang), style="bold") +
                  plain(f"  ({info.id})", style="dim"))
    console.print(Text(_("Claim: "), style="bold") + plain(info.text("claim", lang)))
    line = Text(_("Treatment: "), style="bold") + plain(info.text("treatment", lang))
    if not treatment:
        line += Text(_("  (switched off: --no-treatment)"), style="magenta")
    console.print(line)
    console.print()


def render_outcome(console: Console, outcome: DemoOutcome, *, lang: str) -> None:
    """The table, the checks, the verdict with its finding, then the curves."""
    result = outcome.result
    if result is None:
        _render_failure(console, outcome)
        return
    if outcome.cached_at is not None:
        from quizcli.demo.cache import when

        console.print(Text(_("Cached: this run (same demo code, seed and device) was measured on {date}; "
                             "`--fresh`, or `d` again in a session, runs it again.").format(date=when(outcome)),
                           style="yellow"))
    if result.settings:
        settings = _(", ").join(f"{lang_text(label_for(k, result.labels), lang)}={_setting_value(v, lang)}"
                                for k, v in result.settings.items())
        console.print(plain(_("Settings: ") + settings, style="dim"))
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    rows = [[lang_text(v, lang) if isinstance(v, dict) else v for v in row] for row in result.table.rows]
    for i, col in enumerate(result.table.columns):
        # Numbers line up on the right; words ("N, H, W (per channel)") read
        # from the left, also in the later columns.
        numeric = i > 0 and all(_numeric_cell(row[i]) for row in rows if i < len(row))
        table.add_column(plain(lang_text(col, lang)), justify="right" if numeric else "left")
    ncol = len(result.table.columns)
    columns = [fmt_column([row[i] for row in rows]) for i in range(ncol)]
    for r in range(len(rows)):
        table.add_row(*(plain(columns[i][r]) for i in range(ncol)))
    console.print(table)

    console.print(Text(_("Checks"), style="bold"))
    # A grid, so a long check name wraps inside its own column.
    checks = RichTable.grid(padding=(0, 2))   # 2: a long name must not run into its numbers
    checks.add_column(no_wrap=True)
    checks.add_column(ratio=1)
    checks.add_column(no_wrap=True, justify="right")
    for check in result.checks:
        mark = Text(_("  ✓ pass"), style="green") if check.passed else Text(_("  ✗ FAIL"), style="bold red")
        numbers = Text(fmt_check(check), style="dim")
        checks.add_row(mark, plain(lang_text(check.name, lang)), numbers)
    console.print(checks)
    console.print()

    label = verdict_label(outcome.verdict)
    line = Text(_("Verdict: "), style="bold") + Text(label, style=VERDICT_STYLE.get(outcome.verdict or "", "bold"))
    if outcome.verdict == NOT_REPRODUCED and outcome.info is not None:
        line += Text(_("  (the literature's verdict, {verdict}, is not backed by this run)").format(
            verdict=verdict_label(outcome.info.verdict)),
                     style="dim")
    console.print(line)
    if outcome.status == engine.OK:
        finding = result.finding.get(lang) or result.finding.get("en" if lang == "zh" else "zh", "")
        console.print(plain(finding))
    else:
        console.print(plain(outcome.message, style="magenta"))
    console.print()

    from quizcli.ui.plot import print_plots

    print_plots(console, result, lang=lang)
    _footer(console, outcome)


def _footer(console: Console, outcome: DemoOutcome) -> None:
    parts = [_("seed {seed}").format(seed=outcome.seed),
             _("device {device}").format(device=outcome.device_used or outcome.device), f"{outcome.elapsed_s:.1f} s"]
    if outcome.run_s is not None:
        parts[-1] += _(" (the experiment itself {seconds} s)").format(seconds=f"{outcome.run_s:.1f}")
    if not outcome.treatment:
        parts.append(_("treatment off"))
    if outcome.cached_at is not None:
        from quizcli.demo.cache import when

        parts.append(_("cached {date}").format(date=when(outcome)))
    console.print(Text(" · ".join(parts), style="dim"))


def _render_failure(console: Console, outcome: DemoOutcome) -> None:
    titles = {
        engine.TIMEOUT: _("The demo timed out"),
        engine.MISSING_TORCH: _("The demo cannot run here"),
        engine.INTERRUPTED: _("The demo was stopped"),
        engine.NAN: _("The demo produced NaN"),
    }
    title = titles.get(outcome.status, _("The demo failed"))
    if outcome.status == engine.INTERRUPTED:   # its message only repeats the title
        console.print(Text(_("{title} (Ctrl-C).").format(title=title), style="bold yellow"))
        return
    console.print(Text(title + _(": "), style="bold red") + plain(outcome.message))
    if outcome.traceback and os.environ.get("QUIZCLI_TRACEBACK"):
        console.print(plain(outcome.traceback, style="dim"))
    elif outcome.status == engine.ERROR and outcome.info is not None and (outcome.traceback or outcome.stderr_tail):
        # Only where there is a traceback to see: an unavailable --device is
        # a plain message, with its fix already in it.
        console.print(plain(_("To see the traceback: QUIZCLI_TRACEBACK=1, or run "
                              "`python -m quizcli.demo.runner {path} --device cpu`").format(path=outcome.info.path),
                            style="dim"))


# --- a question's answer (for `explain QUESTION_ID`) ----------------------------------


def show_question_answer(console: Console, question: Question, *, lang: str) -> None:
    """The question, its answer and its explanation (all text shown literally)."""
    console.print(Text(f"{question.id}", style="dim"))
    console.print(plain(question.prompt.get(lang), style="bold"))
    answer = Text(_("Answer: "), style="bold")
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
            answer += Text(_("true") if question.answer_bool else _("false"))
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
    console.print(Text(_("Why: "), style="bold") + plain(question.explanation.get(lang)))
    for ref in question.refs:
        console.print(plain(_("  ref: ") + ref, style="dim"))
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
            text += Text(_("  (long)"), style="dim")
        if info.blocked:
            text += Text(_("  (untrusted: will not run)"), style="magenta")
        text += plain("\n" + _("claims: ") + ", ".join(info.claims), style="dim")
        text += plain("\n" + _("questions: ") + (", ".join(links.get(info.id, [])) or _("none yet")), style="dim")
        grid.add_row(plain(info.id), text)
    console.print(grid)
    console.print(Text(ngettext("{n} demo", "{n} demos", len(infos)).format(n=len(infos)), style="dim"))


def render_verify(console: Console, outcomes: Sequence[DemoOutcome], *, wall_s: float, skipped: Sequence[str] = ()) -> None:
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(_("demo"), no_wrap=True)
    table.add_column(_("status"), no_wrap=True)
    table.add_column(_("verdict"))
    table.add_column(_("time"), justify="right", no_wrap=True)
    table.add_column(_("note"))
    for o in outcomes:
        status = Text(o.status, style=STATUS_STYLE.get(o.status, "bold red"))
        verdict = Text(verdict_label(o.verdict) if o.verdict else "-",
                       style=VERDICT_STYLE.get(o.verdict or "", "dim"))
        table.add_row(Text(o.demo_id), status, verdict, Text(f"{o.elapsed_s:.1f} s"), plain(o.message))
    console.print(table)
    ok = sum(o.ok for o in outcomes)
    stopped = sum(o.status == engine.INTERRUPTED for o in outcomes)
    bad = len(outcomes) - ok - stopped
    summary = Text(_("{n} passed").format(n=ok), style="green" if ok else "")
    if bad:
        summary += Text(_(", ")) + Text(_("{n} failed").format(n=bad), style="bold red")
    if stopped:   # Ctrl-C: not a failure of the demo
        summary += Text(_(", ")) + Text(_("{n} stopped").format(n=stopped), style="yellow")
    if skipped:
        summary += Text(_(", {n} long skipped (--all runs them)").format(n=len(skipped)), style="dim")
    summary += Text(_(" in {seconds} s").format(seconds=f"{wall_s:.1f}"), style="dim")
    if any(o.forked for o in outcomes):
        # Forked from a fork server: the import was paid once per job, not per demo.
        summary += Text(_("; demo times leave out torch's import, done once per job"), style="dim")
    console.print(summary)


def render_sweep(console: Console, rows: Sequence[Any], *, seeds: Sequence[int], wall_s: float,
                 skipped: Sequence[str] = ()) -> None:
    """`demos verify --seeds`: per demo, the seeds that passed and the worst margin over them."""
    from quizcli.demo.sweep import fmt_margin, fmt_seeds

    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("demo", no_wrap=True)
    table.add_column("passed", justify="right", no_wrap=True)
    table.add_column("worst margin", justify="right", no_wrap=True)
    table.add_column("seed", justify="right", no_wrap=True)
    table.add_column("closest check")
    for row in rows:
        style = "green" if row.ok else "bold red"
        margin = Text(fmt_margin(row.worst_margin),
                      style="" if row.worst_margin is None or row.worst_margin >= 0.1 else "yellow")
        table.add_row(Text(row.demo_id), Text(f"{row.passed}/{row.runs}", style=style), margin,
                      Text("-" if row.worst_seed is None else str(row.worst_seed)),
                      plain(row.worst_check or (row.problems[0] if row.problems else "")))
    console.print(table)
    good = sum(r.ok for r in rows)
    span = ("seeds " if len(seeds) > 1 else "seed ") + fmt_seeds(seeds)
    summary = Text(f"{good} of {len(rows)} demos passed on every one of {span}", style="green" if good == len(rows) else "")
    if good < len(rows):
        summary = Text(f"{len(rows) - good} of {len(rows)} demos failed on some of {span}", style="bold red")
    if skipped:
        summary += Text(f", {len(skipped)} long skipped (--all runs them)", style="dim")
    summary += Text(f" in {wall_s:.1f} s; margin: how far the closest check stayed from its threshold, relative to it",
                    style="dim")
    console.print(summary)
    for row in rows:
        for problem in row.problems[:3]:
            console.print(plain(f"  {row.demo_id}, {problem}", style="dim"))


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
    progress = Progress(TextColumn(_("verifying")), BarColumn(bar_width=24), MofNCompleteColumn(),
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

