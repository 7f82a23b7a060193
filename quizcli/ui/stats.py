"""`quizcli stats` in the terminal: tables, a year of activity as a heatmap."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.stats import LEECH_FAILURES, Stats
from quizcli.ui.text import plain

# Five levels, as on a contribution graph; the glyphs differ too, so the
# heatmap reads without colour (NO_COLOR).
_LEVELS = (("·", "grey37"), ("░", "green4"), ("▒", "green3"), ("▓", "green1"), ("█", "bold green1"))
_DAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def _pct(value: float | None) -> Text:
    return Text("-", style="dim") if value is None else Text(f"{value:.0%}")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _level(n: int, top: int) -> int:
    if n <= 0:
        return 0
    # Quartiles of the busiest day, so a light week still shows shape.
    return min(4, 1 + int(3 * n / max(top, 1)))


def heatmap(activity: Sequence[tuple[date, int]]) -> Text:
    """Weeks as columns (Monday on top), newest on the right, month labels above."""
    if not activity:
        return Text("")
    counts = dict(activity)
    first, last = activity[0][0], activity[-1][0]
    start = first - timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    top = max(counts.values(), default=0)
    months = [" "] * weeks
    for w in range(weeks):
        day = start + timedelta(days=7 * w)
        if day.day <= 7:
            label = day.strftime("%b")
            if all(c == " " for c in months[w: w + len(label)]) and w + len(label) <= weeks:
                months[w: w + len(label)] = list(label)
    out = Text("    " + "".join(months) + "\n", style="dim")
    for row in range(7):
        out.append(f"{_DAYS[row]:<4}", style="dim")
        # Runs of one level go in as one span: with a span per day (365 of
        # them) the heatmap was 15% of the time `quizcli stats` spends drawing.
        run, run_style = "", None
        for w in range(weeks):
            day = start + timedelta(days=7 * w + row)
            if day < first or day > last:
                glyph, style = " ", None
            else:
                glyph, style = _LEVELS[_level(counts.get(day, 0), top)]
            if style != run_style and run:
                out.append(run, style=run_style)
                run = ""
            run, run_style = run + glyph, style
        if run:
            out.append(run, style=run_style)
        out.append("\n")
    out.append("    less ", style="dim")
    for glyph, style in _LEVELS:
        out.append(glyph, style=style)
    out.append(" more", style="dim")
    return out


def render_stats(console: Console, s: Stats, forecast: Sequence = ()) -> None:
    topics = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for col, just in (("topic", "left"), ("cards", "right"), ("seen", "right"), ("answers", "right"),
                      ("accuracy", "right"), ("scheduled", "right"), ("recall now", "right")):
        topics.add_column(col, justify=just)
    for t in (*s.topics, s.total):
        style = "bold" if t is s.total else ""
        topics.add_row(plain(t.topic, style), str(t.cards), str(t.seen), str(t.answers), _pct(t.accuracy),
                       str(t.scheduled), _pct(t.mean_recall))
    body: list = [Text("Topics", style="bold"), topics, Text("")]

    active = sum(1 for _, n in s.activity if n)
    total = sum(n for _, n in s.activity)
    body.append(Text("Activity, last 12 months", style="bold")
                + Text(f"  {_n(total, 'answer')} on {_n(active, 'day')} · streak {_n(s.streak, 'day')}"
                       f" · today {s.answered_today}", style="dim"))
    body += [heatmap(s.activity), Text("")]

    due = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for d, _ in s.due:
        due.add_column(("now" if d == s.today else d.strftime("%a")) + d.strftime("\n%d"), justify="right")
    due.add_row(*(str(n) if n else Text("·", style="dim") for _, n in s.due))
    body += [Text("Reviews due, next 14 days", style="bold")
             + Text(f"  ({s.overdue} due now)" if s.overdue else "", style="yellow"), due, Text("")]

    ret = Text("Retention: ", style="bold")
    if s.true_retention is None:
        ret += Text("no reviews of learned cards yet", style="dim")
    else:
        ok = s.true_retention >= s.desired_retention - 0.02
        ret += Text(f"{s.true_retention:.1%}", style="green" if ok else "yellow")
        ret += Text(f" true ({s.retention_reviews} reviews of learned cards) against {s.desired_retention:.0%} desired")
    body.append(ret)

    if forecast and s.until is not None:
        day = (s.until.astimezone() - timedelta(seconds=1)).strftime("%Y-%m-%d")
        line = Text(f"Predicted recall on {day}: ", style="bold")
        parts = [f"{f.topic} {f.recall:.0%}" for f in forecast]
        body.append(line + plain(" · ".join(parts)) + Text("  (if nothing more is reviewed)", style="dim"))

    body.append(Text(""))
    if s.leeches:
        body.append(Text(f"Leeches (failed {LEECH_FAILURES}+ times)", style="bold red"))
        grid = Table.grid(padding=(0, 2))
        for leech in s.leeches[:20]:
            grid.add_row(Text(" ") + plain(leech.question_id, "bold"), plain(leech.topic, "dim"),
                         Text(f"failed {leech.failures} of {leech.answers}"))
        body.append(grid)
        if len(s.leeches) > 20:
            body.append(Text(f" ... and {len(s.leeches) - 20} more (`quizcli stats --json` lists all)", style="dim"))
        body.append(Text(" Rewrite them in your own words, or `quizcli show ID` and study the explanation.",
                         style="dim"))
    else:
        body.append(Text(f"No leeches (questions failed {LEECH_FAILURES}+ times).", style="dim"))
    if s.suspended:
        body.append(Text(""))
        body.append(Text("Suspended (not asked in review)", style="bold yellow"))
        grid = Table.grid(padding=(0, 2))
        for x in s.suspended:
            since = x.since.astimezone().strftime("%Y-%m-%d") if x.since else ""
            grid.add_row(Text(" ") + plain(x.question_id, "bold"), plain(x.topic, "dim"),
                         Text(f"{x.why} {since}".strip()), plain(f"quizcli progress unsuspend {x.question_id}", "cyan"))
        body.append(grid)
    # A Text title: a str one is parsed as markup, which loads Rich's emoji table.
    console.print(Panel(Group(*body), title=Text("Progress"), title_align="left", border_style="blue", expand=True))
