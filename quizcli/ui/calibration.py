"""The fitted schedule in the terminal: `progress optimize` and `stats --calibration`."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from quizcli.demo.api import Curve
from quizcli.fit import Bin, Report
from quizcli.ui.plot import MAX_WIDTH, render_curve, uses_color


def render_report(console: Console, report: Report, current: str, retention: float,
                  optimal: float | None) -> None:
    console.print(f"{report.reviews} scheduled reviews; {report.counted} a day or more after the card's previous"
                  f" one: {report.train} to fit, {report.test} held out (a quarter of the cards).")
    table = Table(box=None, pad_edge=False)
    table.add_column("held-out reviews")
    table.add_column("log loss", justify="right")
    table.add_column("RMSE (bins)", justify="right")
    table.add_row(Text(f"before ({current})"), f"{report.before.log_loss:.4f}", f"{report.before.rmse_bins:.4f}")
    table.add_row(Text("after (fitted)"), f"{report.after.log_loss:.4f}", f"{report.after.rmse_bins:.4f}")
    console.print(table)
    if report.kept:
        console.print("Kept: the fitted parameters predict the held-out reviews better; `quizcli review` uses them"
                      " from now on.")
    else:
        console.print("Not kept: the fitted parameters do not predict the held-out reviews better than the"
                      f" {current} ones, which stay.")
    if optimal is not None:
        console.print(f"Desired retention: {retention:.2f} now; {optimal:.2f} would cost you the least study time"
                      " per card remembered (FSRS's simulation of your workload). Change it with"
                      f" `quizcli review --retention {optimal:.2f}` if you like.")
    else:
        console.print(f"Desired retention: {retention:.2f} now (too few timed reviews to advise another).")


def render_calibration(console: Console, bins: Sequence[Bin], total: int) -> None:
    table = Table(box=None, pad_edge=False)
    for name in ("predicted recall", "reviews", "mean predicted", "passed"):
        table.add_column(name, justify="right")
    for b in bins:
        table.add_row(f"{b.low:.2f}-{b.high:.2f}", str(b.reviews), f"{b.predicted:.0%}", f"{b.actual:.0%}")
    console.print(table)
    if len(bins) >= 2:
        curve = Curve("predicted recall against the pass rate (each point a bin)", "predicted recall", "passed",
                      [b.predicted for b in bins],
                      {"passed": [b.actual for b in bins], "perfect calibration": [b.predicted for b in bins]})
        console.print(render_curve(curve, width=min(console.width, MAX_WIDTH), height=12, color=uses_color(console)))
    predicted = sum(b.predicted * b.reviews for b in bins) / total
    actual = sum(b.actual * b.reviews for b in bins) / total
    rmse = (sum(b.reviews * (b.predicted - b.actual) ** 2 for b in bins) / total) ** 0.5
    verdict = ("about right" if abs(actual - predicted) < 0.03 and rmse < 0.05 else
               "right on average but off in some bins (`quizcli progress optimize` may help)"
               if abs(actual - predicted) < 0.03 else
               "too hard on you: you remember more than it expects (longer intervals would do)" if actual > predicted
               else "too easy on you: you forget more than it expects (`quizcli progress optimize` may help)")
    console.print(f"{total} reviews: predicted {predicted:.1%} recalled, {actual:.1%} passed, RMSE over bins"
                  f" {rmse:.3f}; the schedule is {verdict}.")


def save_calibration(path: Path, bins: Sequence[Bin]) -> Path:
    from quizcli.demo.contract import INSTALL_HINT
    from quizcli.errors import ExitCode, QuizcliError

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise QuizcliError(f"cannot save a figure: {err}", hint=INSTALL_HINT, exit_code=ExitCode.MISSING_EXTRA) from err
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    ax.scatter([b.predicted for b in bins], [b.actual for b in bins], s=[20 + 180 * b.reviews / max(x.reviews for x in bins) for b in bins],
               label="bins (area: reviews)")
    ax.set_xlabel("predicted recall")
    ax.set_ylabel("pass rate")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title("quizcli: calibration of the schedule")
    ax.legend(loc="upper left")
    try:
        fig.savefig(path, dpi=120, bbox_inches="tight")
    except (OSError, ValueError) as err:
        raise QuizcliError(f"cannot write {path}: {err}", hint="use a .png, .pdf or .svg path in a folder you can write to",
                           exit_code=ExitCode.BAD_INPUT) from None
    finally:
        plt.close(fig)
    return path
