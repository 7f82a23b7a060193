"""`quizcli stats` in the terminal: tables, a year of activity as a heatmap."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.i18n import N_, _, ngettext, pgettext
from quizcli.stats import LEECH_FAILURES, Stats
from quizcli.ui.text import plain

# Five levels, as on a contribution graph; the glyphs differ too, so the
# heatmap reads without colour (NO_COLOR).
_LEVELS = (("·", "grey37"), ("░", "green4"), ("▒", "green3"), ("▓", "green1"), ("█", "bold green1"))
_LABELLED_DAYS = (0, 2, 4, 6)     # the heatmap's rows that carry a label: Mon, Wed, Fri, Sun


def _weekday(i: int) -> str:
    """A weekday's short name (0 = Monday): Mon, 一."""
    return (pgettext("weekday", "Mon"), pgettext("weekday", "Tue"), pgettext("weekday", "Wed"),
            pgettext("weekday", "Thu"), pgettext("weekday", "Fri"), pgettext("weekday", "Sat"),
            pgettext("weekday", "Sun"))[i]


_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
           N_("Oct"), N_("Nov"), N_("Dec"))


WHY = {"leech": N_("leech"), "by hand": N_("by hand")}


def _pct(value: float | None) -> Text:
    return Text("-", style="dim") if value is None else Text(f"{value:.0%}")




def _level(n: int, top: int) -> int:
    if n <= 0:
        return 0
    # Quartiles of the busiest day, so a light week still shows shape.
    return min(4, 1 + int(3 * n / max(top, 1)))


def _day_label(row: int) -> str:
    """The heatmap's label of a weekday row, 4 cells wide ("Mon ", "一  ", or blank)."""
    label = _weekday(row) if row in _LABELLED_DAYS else ""
    return label + " " * (4 - cell_len(label))


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
            label = _(_MONTHS[day.month - 1])
            # A Chinese label ("3月") is wider than its characters: pad to its cells.
            cells = list(label) if label.isascii() else [label] + [""] * (cell_len(label) - 1)
            if all(c == " " for c in months[w: w + len(cells)]) and w + len(cells) <= weeks:
                months[w: w + len(cells)] = cells
    out = Text("    " + "".join(months) + "\n", style="dim")
    for row in range(7):
        out.append(_day_label(row), style="dim")
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
    out.append("    " + _("less") + " ", style="dim")
    for glyph, style in _LEVELS:
        out.append(glyph, style=style)
    out.append(" " + _("more"), style="dim")
    return out


def render_stats(console: Console, s: Stats, forecast: Sequence = ()) -> None:
    topics = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for col, just in ((N_("topic"), "left"), (N_("cards"), "right"), (N_("seen"), "right"), (N_("answers"), "right"),
                      (N_("accuracy"), "right"), (N_("scheduled"), "right"), (N_("recall now"), "right")):
        topics.add_column(_(col), justify=just)
    for t in (*s.topics, s.total):
        style = "bold" if t is s.total else ""
        topics.add_row(plain(_("all") if t is s.total and t.topic == "all" else t.topic, style), str(t.cards), str(t.seen), str(t.answers), _pct(t.accuracy),
                       str(t.scheduled), _pct(t.mean_recall))
    body: list = [Text(_("Topics"), style="bold"), topics, Text("")]

    active = sum(1 for _day, n in s.activity if n)
    total = sum(n for _day, n in s.activity)
    answers_on = ngettext("{n} answer", "{n} answers", total).format(n=total)
    days = ngettext("{n} day", "{n} days", active).format(n=active)
    streak = ngettext("{n} day", "{n} days", s.streak).format(n=s.streak)
    body.append(Text(_("Activity, last 12 months"), style="bold")
                + Text("  " + _("{answers} on {days} · streak {streak} · today {today}").format(
                    answers=answers_on, days=days, streak=streak, today=s.answered_today), style="dim"))
    body += [heatmap(s.activity), Text("")]

    due = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for d, _n in s.due:
        due.add_column((_("now") if d == s.today else _weekday(d.weekday())) + d.strftime("\n%d"), justify="right")
    due.add_row(*(str(n) if n else Text("·", style="dim") for _d, n in s.due))
    body += [Text(_("Reviews due, next 14 days"), style="bold")
             + Text(_("  ({n} due now)").format(n=s.overdue) if s.overdue else "", style="yellow"), due, Text("")]

    ret = Text(_("Retention: "), style="bold")
    if s.true_retention is None:
        ret += Text(_("no reviews of learned cards yet"), style="dim")
    else:
        ok = s.true_retention >= s.desired_retention - 0.02
        ret += Text(f"{s.true_retention:.1%}", style="green" if ok else "yellow")
        ret += Text(_(" true ({n} reviews of learned cards) against {desired} desired").format(
            n=s.retention_reviews, desired=f"{s.desired_retention:.0%}"))
    body.append(ret)

    if forecast and s.until is not None:
        day = (s.until.astimezone() - timedelta(seconds=1)).strftime("%Y-%m-%d")
        line = Text(_("Predicted recall on {day}: ").format(day=day), style="bold")
        parts = [f"{f.topic} {f.recall:.0%}" for f in forecast]
        body.append(line + plain(" · ".join(parts)) + Text(_("  (if nothing more is reviewed)"), style="dim"))

    body.append(Text(""))
    if s.leeches:
        body.append(Text(_("Leeches (failed {n}+ times)").format(n=LEECH_FAILURES), style="bold red"))
        grid = Table.grid(padding=(0, 2))
        for leech in s.leeches[:20]:
            grid.add_row(Text(" ") + plain(leech.question_id, "bold"), plain(leech.topic, "dim"),
                         Text(_("failed {failures} of {answers}").format(failures=leech.failures, answers=leech.answers)))
        body.append(grid)
        if len(s.leeches) > 20:
            body.append(Text(_(" ... and {n} more (`quizcli stats --json` lists all)").format(n=len(s.leeches) - 20), style="dim"))
        body.append(Text(_(" Rewrite them in your own words, or `quizcli show ID` and study the explanation."),
                         style="dim"))
    else:
        body.append(Text(_("No leeches (questions failed {n}+ times).").format(n=LEECH_FAILURES), style="dim"))
    if any(s.held):
        line = Text(_("Held: "), style="bold") + Text(_("{suspended} suspended · {buried} buried · {flagged} flagged").format(
            **s.held._asdict()))
        if s.held.flagged:
            line += Text(_("  (`quizcli list --flagged` lists the flagged, `quizcli quiz --flagged` asks them)"),
                         style="dim")
        body += [Text(""), line]
    if s.suspended:
        body.append(Text(""))
        body.append(Text(_("Suspended (not asked in review)"), style="bold yellow"))
        grid = Table.grid(padding=(0, 2))
        for x in s.suspended:
            since = x.since.astimezone().strftime("%Y-%m-%d") if x.since else ""
            grid.add_row(Text(" ") + plain(x.question_id, "bold"), plain(x.topic, "dim"),
                         Text(f"{_(WHY.get(x.why, x.why))} {since}".strip()), plain(f"quizcli progress unsuspend {x.question_id}", "cyan"))
        body.append(grid)
    # A Text title: a str one is parsed as markup, which loads Rich's emoji table.
    console.print(Panel(Group(*body), title=Text(_("Progress")), title_align="left", border_style="blue", expand=True))
