"""Curves and scatter plots: drawn in the terminal, or saved as a figure.

In the terminal each series is drawn with Braille dots (2 x 4 per
character) in its own colour. Without colour (NO_COLOR, or output that is
not a terminal) colours cannot tell series apart, so each series gets its
own marker character instead, at one point per character.

`save_figure` uses matplotlib, imported only when a figure is asked for.

Titles and axis labels may be {"en": ..., "zh": ...}; a series' shown name
is its entry in the result's `labels` (DemoResult.labels), else its key.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable, Sequence

from rich.console import Console, Group
from rich.text import Text

from quizcli.demo.api import Curve, DemoResult, Scatter
from quizcli.demo.contract import label_for
from quizcli.i18n import _, lang_text

PALETTE = ("cyan", "magenta", "yellow", "green", "red", "blue", "bright_white", "bright_black")
MARKERS = ("•", "+", "x", "o", "*", "#", "%", "@")
# Braille dot bit for (column, row) within a character cell.
_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
MAX_WIDTH = 100


def fmt(v: float) -> str:
    """A short tick label: 3 significant digits."""
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.2e}"
    return f"{v:.3g}"


class _Canvas:
    def __init__(self, width: int, height: int, braille: bool, priority: dict[int, int] | None = None):
        self.w, self.h, self.braille = width, height, braille
        # Who owns a shared cell: the higher priority, then the most ink, then the later series.
        self.priority = priority or {}
        self.sx, self.sy = (2, 4) if braille else (1, 1)
        self.pw, self.ph = width * self.sx, height * self.sy
        # cells[row][col] = {series index: braille bits or hit count}
        self.cells: list[list[dict[int, int]]] = [[{} for _col in range(width)] for _row in range(height)]

    def dot(self, px: int, py: int, s: int) -> None:
        if not (0 <= px < self.pw and 0 <= py < self.ph):
            return
        cell = self.cells[py // self.sy][px // self.sx]
        if self.braille:
            cell[s] = cell.get(s, 0) | _BITS[py % 4][px % 2]
        else:
            cell[s] = cell.get(s, 0) + 1

    def line(self, x0: int, y0: int, x1: int, y1: int, s: int) -> None:
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        step_x, step_y = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.dot(x0, y0, s)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += step_x
            if e2 <= dx:
                err += dx
                y0 += step_y

    def row(self, r: int, color: bool) -> Text:
        text = Text()
        for cell in self.cells[r]:
            if not cell:
                text.append(" ")
                continue
            owner = max(cell, key=lambda s: (self.priority.get(s, 0),
                                             bin(cell[s]).count("1") if self.braille else cell[s], s))
            if self.braille:
                bits = 0
                for b in cell.values():
                    bits |= b
                text.append(chr(0x2800 + bits), style=PALETTE[owner % len(PALETTE)] if color else None)
            else:
                text.append(MARKERS[owner % len(MARKERS)])
        return text


def _finite(v: float) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def _bounds(values: Iterable[float]) -> tuple[float, float] | None:
    vals = [v for v in values if _finite(v)]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    if lo == hi:
        pad = abs(lo) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _frame(title: str, canvas: _Canvas, y_lo: float, y_hi: float, x_lo: float, x_hi: float,
           x_label: str, y_label: str, legend: Text, color: bool, log_y: bool = False) -> Group:
    def ylab(v: float) -> str:
        return fmt(10 ** v if log_y else v)

    labels = {0: ylab(y_hi), canvas.h - 1: ylab(y_lo), (canvas.h - 1) // 2: ylab((y_hi + y_lo) / 2)}
    margin = max(len(s) for s in labels.values()) + 1
    lines: list[Text] = [Text(title, style="bold")]
    if y_label:
        lines.append(Text(" " * margin + y_label + (_(" (log scale)") if log_y else ""), style="dim"))
    for r in range(canvas.h):
        lab = labels.get(r, "")
        line = Text()
        line.append(lab.rjust(margin - 1) + " " + ("┤" if lab else "│"), style="dim")
        line.append_text(canvas.row(r, color))
        lines.append(line)
    lines.append(Text(" " * margin + "└" + "─" * canvas.w, style="dim"))
    left, right = fmt(x_lo), fmt(x_hi)
    gap = max(1, canvas.w + 1 - len(left) - len(right))
    mid = x_label[:gap - 2].center(gap) if x_label else " " * gap
    lines.append(Text(" " * margin + left + mid + right, style="dim"))
    lines.append(Text(" " * margin) + legend)
    return Group(*lines)


def _legend(names: Sequence[str], color: bool, braille: bool) -> Text:
    legend = Text()
    for i, name in enumerate(names):
        if i:
            legend.append("   ")
        if color:
            legend.append("━━ " if braille else MARKERS[i % len(MARKERS)] + " ", style=PALETTE[i % len(PALETTE)])
        else:
            legend.append((MARKERS[i % len(MARKERS)] if not braille else "⣿") + " ")
        legend.append(name)
    return legend


def _sizes(width: int, height: int, margin: int = 10) -> tuple[int, int]:
    return max(20, min(width, MAX_WIDTH) - margin - 2), max(5, height)


def _names(names: Sequence[str], labels: dict | None, lang: str | None) -> list[str]:
    return [lang_text(label_for(n, labels), lang) for n in names]


def render_curve(curve: Curve, *, width: int = 80, height: int = 12, color: bool = True, lang: str | None = None,
                 labels: dict | None = None) -> Group:
    """A curve as Braille (colour) or markers (no colour); non-finite points break the line."""
    names = list(curve.series)
    title = lang_text(curve.title, lang)
    braille = color or len(names) == 1
    w, h = _sizes(width, height)
    log = curve.log_y

    def ty(v: float) -> float:
        if not _finite(v):
            return math.nan
        if log:
            return math.log10(v) if v > 0 else math.nan
        return float(v)

    ys = {k: [ty(v) for v in vals] for k, vals in curve.series.items()}
    xb = _bounds(curve.x)
    yb = _bounds(v for vals in ys.values() for v in vals)
    if xb is None or yb is None:
        return Group(Text(title, style="bold"), Text(_("  (no finite values to draw)"), style="dim"))
    canvas = _Canvas(w, h, braille)
    (x_lo, x_hi), (y_lo, y_hi) = xb, yb

    def px(x: float) -> int:
        return round((x - x_lo) / (x_hi - x_lo) * (canvas.pw - 1))

    def py(y: float) -> int:
        return round((y_hi - y) / (y_hi - y_lo) * (canvas.ph - 1))

    for s, name in enumerate(names):
        prev: tuple[int, int] | None = None
        for x, y in zip(curve.x, ys[name]):
            if not (_finite(x) and _finite(y)):
                prev = None
                continue
            point = (px(x), py(y))
            if prev is None:
                canvas.dot(*point, s)
            else:
                canvas.line(*prev, *point, s)
            prev = point
    return _frame(title, canvas, y_lo, y_hi, x_lo, x_hi, lang_text(curve.x_label, lang),
                  lang_text(curve.y_label, lang), _legend(_names(names, labels, lang), color, braille), color, log_y=log)


def render_scatter(scatter: Scatter, *, width: int = 80, height: int = 16, color: bool = True,
                   lang: str | None = None, labels: dict | None = None) -> Group:
    """Point clouds with equal scales on both axes (a circle stays a circle)."""
    names = list(scatter.series)
    title = lang_text(scatter.title, lang)
    braille = color or len(names) == 1
    w, h = _sizes(width, height)
    points = [p for pts in scatter.series.values() for p in pts if _finite(p[0]) and _finite(p[1])]
    if not points:
        return Group(Text(title, style="bold"), Text(_("  (no finite points to draw)"), style="dim"))
    # A sparse series (the 8 modes under 2,000 samples) would vanish under a
    # dense one, so in a shared cell the series with fewer points wins.
    canvas = _Canvas(w, h, braille, priority={s: -len(scatter.series[n]) for s, n in enumerate(names)})
    x_lo, x_hi = _bounds(p[0] for p in points) or (0.0, 1.0)
    y_lo, y_hi = _bounds(p[1] for p in points) or (0.0, 1.0)
    # A character is about twice as tall as wide; Braille dots and markers
    # then come out roughly square, so one unit per dot on both axes.
    aspect = 0.5 if braille else 2.0   # (height of a pixel) / (width of a pixel)
    unit = max((x_hi - x_lo) / (canvas.pw - 1), (y_hi - y_lo) / ((canvas.ph - 1) * aspect))
    cx, cy = (x_lo + x_hi) / 2, (y_lo + y_hi) / 2
    x_lo, x_hi = cx - unit * (canvas.pw - 1) / 2, cx + unit * (canvas.pw - 1) / 2
    y_lo, y_hi = cy - unit * aspect * (canvas.ph - 1) / 2, cy + unit * aspect * (canvas.ph - 1) / 2
    for s, name in enumerate(names):
        for x, y in scatter.series[name]:
            if _finite(x) and _finite(y):
                canvas.dot(round((x - x_lo) / unit), round((y_hi - y) / (unit * aspect)), s)
    return _frame(title, canvas, y_lo, y_hi, x_lo, x_hi, "", "", _legend(_names(names, labels, lang), color, braille),
                  color)


def uses_color(console: Console) -> bool:
    return not console.no_color and console.color_system is not None


# The narrowest console a plot fits in: its axis labels (the margin of
# _sizes), the frame and 20 columns of plot.
MIN_PLOT_COLUMNS = 10 + 2 + 20


def print_plots(console: Console, result: DemoResult, lang: str | None = None) -> None:
    """Every curve and scatter of a result, sized to the console.

    Narrower than MIN_PLOT_COLUMNS, a plot would wrap into noise: a short
    note replaces the plots (the table and the checks carry the numbers).
    """
    color = uses_color(console)
    width = min(console.width, MAX_WIDTH)
    n = len(result.curves) + len(result.scatters)
    if n and width < MIN_PLOT_COLUMNS:
        from rich.text import Text

        console.print(Text(f"({n} plot{'s' if n != 1 else ''} not shown: "
                           f"they need {MIN_PLOT_COLUMNS} columns; use --plot FILE)", style="dim"))
        console.print()
        return
    for curve in result.curves:
        console.print(render_curve(curve, width=width, color=color, lang=lang, labels=result.labels))
        console.print()
    for scatter in result.scatters:
        console.print(render_scatter(scatter, width=width, color=color, lang=lang, labels=result.labels))
        console.print()


# Fonts that have Chinese glyphs; matplotlib's default (DejaVu Sans) has none
# and draws a zh title as a row of empty boxes.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei", "Noto Sans CJK JP", "Arial Unicode MS")


def _needs_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def save_figure(path: Path, result: DemoResult, title: str = "", fallback_title: str = "",
                lang: str = "en") -> Path:
    """All curves and scatters of a result as one matplotlib figure (PNG, PDF or SVG by suffix).

    Panels' titles, axis labels and legends are in `lang`. Chinese text is
    drawn with a font that has its glyphs; without one installed, the
    figure is English (`fallback_title`, and the panels' English labels).
    """
    from quizcli.demo.contract import INSTALL_HINT
    from quizcli.errors import ExitCode, QuizcliError

    panels = [*result.curves, *result.scatters]
    if not panels:
        raise QuizcliError("this demo has no curves or scatter plots, so there is nothing to save",
                           hint="its numbers are in the table above (or use --json)", exit_code=ExitCode.USAGE)
    try:
        import matplotlib

        matplotlib.use("Agg")   # no window, no display needed
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise QuizcliError(f"cannot save a figure: {err}", hint=INSTALL_HINT, exit_code=ExitCode.MISSING_EXTRA) from err

    path = Path(path)
    rc: dict = {}
    if _needs_cjk(title) or lang == "zh":
        font = _cjk_font()
        if font is not None:
            rc["font.sans-serif"] = [font, *matplotlib.rcParams["font.sans-serif"]]
        else:
            title = fallback_title if _needs_cjk(title) else title
            lang = "en"
    with matplotlib.rc_context(rc):
        return _draw(plt, path, panels, title, lang, result.labels)


SCATTER_COLUMNS = 3


def _draw(plt: Any, path: Path, panels: list, title: str, lang: str = "en", labels: dict | None = None) -> Path:
    from quizcli.errors import QuizcliError

    # Curves one per row, full width; scatters as small square panels, up to
    # SCATTER_COLUMNS side by side (one per variant, comparable at a glance).
    curves = [p for p in panels if isinstance(p, Curve)]
    scatters = [p for p in panels if not isinstance(p, Curve)]
    cols = min(SCATTER_COLUMNS, len(scatters)) if scatters else 1
    scatter_rows = -(-len(scatters) // cols) if scatters else 0
    grid_cols = cols if scatters else 1
    heights = [3.6] * len(curves) + [7.5 / max(cols, 2) + 0.6] * scatter_rows
    fig = plt.figure(figsize=(7.5, sum(heights)))
    spec = fig.add_gridspec(len(heights), grid_cols, height_ratios=heights)
    for i, panel in enumerate(curves):
        ax = fig.add_subplot(spec[i, :])
        for name, ys in panel.series.items():
            ax.plot(panel.x, [y if _finite(y) else math.nan for y in ys], label=_names([name], labels, lang)[0],
                    linewidth=1.6)
        if panel.log_y:
            ax.set_yscale("log")
        ax.set_xlabel(lang_text(panel.x_label, lang))
        ax.set_ylabel(lang_text(panel.y_label, lang))
        ax.set_title(lang_text(panel.title, lang))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    for k, panel in enumerate(scatters):
        ax = fig.add_subplot(spec[len(curves) + k // cols, k % cols])
        sizes = {name: len(pts) for name, pts in panel.series.items()}
        most = max(sizes.values(), default=0)
        # The sparse series (the true modes under the samples) is drawn last, on top, as crosses.
        for name in sorted(panel.series, key=lambda n: -sizes[n]):
            pts = panel.series[name]
            sparse = len(panel.series) > 1 and sizes[name] * 10 <= most
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], label=_names([name], labels, lang)[0],
                       **({"s": 60, "marker": "x", "color": "black", "zorder": 3} if sparse else {"s": 4, "alpha": 0.5}))
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(lang_text(panel.title, lang), fontsize="small")
        ax.tick_params(labelsize="x-small")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="x-small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
    except (OSError, ValueError) as err:
        raise QuizcliError(f"cannot save the figure to {path}: {err}",
                           hint="check the folder exists and the suffix is .png, .pdf or .svg") from err
    finally:
        plt.close(fig)
    return path
