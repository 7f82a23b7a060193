"""The interview's report (#17): in the terminal, as Markdown (`--report FILE`), and
the interviews per topic over time that `quizcli stats` shows.

The strings are quizcli.ui.interview's (one table, in the interface's language).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.i18n import N_, _
from quizcli.sessions.interview_report import InterviewReport
from quizcli.ui.interview import clock, t
from quizcli.ui.text import bitext, plain


def render_report(console: Console, report: InterviewReport, lang: str) -> None:
    console.print()
    if not report.rows:
        console.print(Panel(Text(t("nothing")), title=t("report"), title_align="left",
                            border_style="magenta"))
        return
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", expand=True)
    table.add_column(t("question_col"), no_wrap=True)
    table.add_column(t("points_col"), justify="right", no_wrap=True)
    table.add_column(t("time_col"), justify="right", no_wrap=True)
    table.add_column(t("missed_col"), ratio=1)
    for r in report.rows:
        qid = Text("  " * r.depth + ("↳ " if r.depth else "")) + plain(r.question.id)
        missed = Text("; ").join([bitext(p.text, lang) for p in r.missed]) if r.missed else Text("-", style="dim")
        n = len(r.covered) + len(r.missed)
        table.add_row(qid, f"{len(r.covered)}/{n}", clock(r.seconds), missed)
    topics = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    topics.add_column(t("topic_col"))
    topics.add_column(t("points_col"), justify="right")
    topics.add_column(t("share_col"), justify="right")
    for row in report.topics:
        topics.add_row(plain(row.topic), f"{row.covered}/{row.total}", f"{100 * row.share:.0f}%")
    pct = f"{100 * report.covered / report.total:.0f}%" if report.total else "-"
    body: list = [Text(t("total", covered=report.covered, total=report.total, pct=pct,
                         time=clock(report.seconds)), style="bold"), Text(""), table, Text(""), topics]
    if report.weakest:
        body += [Text(""), Text(t("weakest"), style="bold red")]
        for w in report.weakest:
            body.append(Text("• ") + bitext(w.point.text, lang) + Text("  (") + plain(w.question.id, "dim")
                        + Text(")"))
            body.append(Text("  " + t("study") + " ", style="dim") + plain(" · ".join(w.commands), "cyan"))
    console.print(Panel(Group(*body), title=t("report"), title_align="left", border_style="magenta",
                        expand=True))


# --------------------------------------------------------------------------
# Markdown (--report FILE)

# Enough to keep bank text from making links, images, HTML, emphasis, code or
# table cells: `[` and `<` escaped, no link or tag can start.
_MD_SPECIAL = set("\\`*_[]<>#|~&")


def md(text: str) -> str:
    """Bank or typed text for Markdown: every character Markdown or HTML could read as markup escaped.
    (Control characters are shown as escapes, as on the terminal.)"""
    from quizcli.ui.text import safe

    out = []
    for ch in safe(text):
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def report_markdown(report: InterviewReport, lang: str, texts: dict[str, str] | None = None) -> str:
    """The report as Markdown. `texts`: question id -> what the candidate typed, if to include it."""
    L = t
    pct = f"{100 * report.covered / report.total:.0f}%" if report.total else "-"
    lines = [f"# {L('report')}", ""]
    if not report.rows:
        return "\n".join(lines + [L("nothing"), ""])
    lines += [L("total", covered=report.covered, total=report.total, pct=pct, time=clock(report.seconds)), ""]
    lines += [f"| {L('question_col')} | {L('points_col')} | {L('time_col')} | {L('missed_col')} |",
              "| --- | ---: | ---: | --- |"]
    for r in report.rows:
        n = len(r.covered) + len(r.missed)
        name = ("↳ " * r.depth) + md(r.question.id)
        missed = "; ".join(md(p.text.get(lang)) for p in r.missed) or "-"
        lines.append(f"| {name} | {len(r.covered)}/{n} | {clock(r.seconds)} | {missed} |")
    lines += ["", f"| {L('topic_col')} | {L('points_col')} | {L('share_col')} |", "| --- | ---: | ---: |"]
    for row in report.topics:
        lines.append(f"| {md(row.topic)} | {row.covered}/{row.total} | {100 * row.share:.0f}% |")
    if report.weakest:
        lines += ["", f"## {L('weakest')}", ""]
        for w in report.weakest:
            cmds = " · ".join(f"`{c}`" for c in w.commands if "`" not in c)
            lines.append(f"- {md(w.point.text.get(lang))} ({md(w.question.id)}): {cmds}")
    lines += ["", "## " + L("question_col"), ""]
    for r in report.rows:
        lines += [f"### {md(r.question.id)}", "", md(r.question.prompt.get(lang)), ""]
        for p in r.question.key_points:
            mark = "x" if p in r.covered else " "
            lines.append(f"- [{mark}] {md(p.text.get(lang))}")
        lines.append("")
        if texts and r.question.id in texts:
            lines += ["> " + md(texts[r.question.id]), ""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------
# `quizcli stats`: interview results per topic over time

_BARS = "▁▂▃▄▅▆▇█"


def render_trends(console: Console, trends: tuple) -> None:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for col, just in ((N_("topic"), "left"), (N_("interviews"), "right"), (N_("points"), "right"),
                      (N_("first"), "right"), (N_("last"), "right"), (N_("trend"), "left")):
        table.add_column(_(col), justify=just)
    for tr in trends:
        shares = [c / n if n else 0.0 for _day, c, n in tr.interviews]
        bars = "".join(_BARS[min(7, int(s * 8))] for s in shares[-24:])
        first, last = tr.interviews[0], tr.interviews[-1]
        table.add_row(plain(tr.topic), str(len(tr.interviews)), f"{tr.covered}/{tr.total}",
                      f"{first[0]} {100 * shares[0]:.0f}%", f"{last[0]} {100 * shares[-1]:.0f}%", Text(bars))
    console.print(Panel(table, title=Text(_("Interviews: key points covered per topic")), title_align="left",
                        border_style="blue", expand=True))
