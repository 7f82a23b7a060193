"""The interactive review: shows cards, reads answers and ratings, shows the summary.

Line-based like the quiz (quizcli.ui.quiz; questions render with quizcli.ui.render), so it
works in a terminal and in a pipe. The session (quizcli.sessions.review) decides and
stores; this module only renders and reads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcli.clock import interview_day
from quizcli.i18n import N_, _
from quizcli.model import QuestionType
from quizcli.sessions.queue import ReviewItem
from quizcli.sessions.review import Rated, ReviewSession, ReviewSummary
from quizcli.scheduler import AGAIN, EASY, GOOD, HARD, RATING_NAMES, format_interval
from quizcli.sessions.quiz import Feedback
from quizcli.ui.keys import (HELP_WORDS, QUIT_WORDS, SKIP_WORDS, DemoKey, Quit, Reader, command, ending, key_hints,
                             reader_for, submit)
from quizcli.ui.render import correct_answer, render_feedback, render_question, render_reveal
from quizcli.ui.text import plain

_UNDO = {"u", "undo", "撤销"}
_RIGHT = {"r", "right", "i was right", "我答对了", "对了"}
_SUSPEND, _BURY, _FLAG = {"!", "suspend"}, {"-", "bury"}, {"*", "flag"}
_ADJUST = {"": GOOD, "3": GOOD, "g": GOOD, "good": GOOD, "2": HARD, "h": HARD, "hard": HARD,
           "4": EASY, "e": EASY, "easy": EASY}

HELP = N_(
    "Answer as in the quiz: letter(s) of a choice, t/f, a number or text; on a flashcard Enter shows\n"
    "the answer, then rate it 1 again, 2 hard, 3 good, 4 easy (each key shows the next interval).\n"
    "After a right answer: Enter keeps good, h hard, e easy. After an answer with a demo, d runs it.\n"
    "After a wrong answer: r says \"I was right\" (rated good, stored as overridden).\n"
    "A card you are still learning comes back in the session once its step (1-10 minutes) is due.\n"
    "Before answering: ! suspends the card (until `quizcli progress unsuspend ID`), - buries it\n"
    "until tomorrow, * flags it. A card forgotten 8 times (a leech) is suspended by itself.\n"
    "A code exercise: p practises it here (the grader rates it), as `quizcli practice ID` does.\n"
    "u undoes the last rating, s skips, q quits (as do Ctrl-C and Ctrl-D) and shows the summary.\n"
    "To answer literally \"u\", \"!\", \"-\" or \"*\", put a \\ before it."
)


class _Undo(Exception):
    pass


def _when(at: datetime, now: datetime) -> Text:
    local = at.astimezone()
    text = Text(local.strftime("%Y-%m-%d %H:%M"))
    if at > now:
        text.append(_(" (in {interval})").format(interval=format_interval(at - now)), style="dim")
    return text


def _rating_keys(intervals: dict[int, timedelta], *extra: tuple[str, str]) -> Text:
    pairs = [(str(r), f"{_(RATING_NAMES[r])} {format_interval(intervals[r])}") for r in (AGAIN, HARD, GOOD, EASY)]
    return key_hints(*pairs, *extra)


def render_card_head(console: Console, item: ReviewItem, session: ReviewSession) -> None:
    if session.cram:
        label = Text(_("cram · the schedule is not changed"), style="dim")
    elif item.card is None:
        label = Text(_("new card"), style="cyan")
    elif item.repeat:
        label = Text(_("learning"), style="cyan") + Text(_(" · step due ")) + _when(item.card.due, session.now())
    else:
        label = Text(_("due "), style="yellow") + _when(item.card.due, session.now())
        label.append(_(" · reviewed {n}x").format(n=item.card.reps), style="dim")
    if session.can_undo:
        label.append(_(" · u undoes the last rating"), style="dim")
    console.print()
    console.print(Text("  ") + label, end="")


def render_rated(console: Console, rated: Rated, session: ReviewSession) -> None:
    if rated.rating is None:
        return
    line = Text(_("  Rated ")) + Text(_(RATING_NAMES[rated.rating]), style="bold")
    if rated.due is not None and rated.interval is not None:
        # The interval the rating gave, as its key showed it (format_interval
        # is the one rounding); not `due - now`, which is seconds later.
        line += Text(_(" · next review in {interval}").format(interval=format_interval(rated.interval)))
        line += Text(" (" + rated.due.astimezone().strftime("%Y-%m-%d %H:%M") + ")", style="dim")
    if rated.again_in_session:
        line += Text(_(" · back in this session"), style="cyan")
    if rated.capped and session.scheduler.until is not None:
        line += Text(_(" · moved earlier to hold {target} recall on {day}").format(
            target=f"{session.scheduler.target:.0%}", day=_day(session.scheduler.until)), style="magenta")
    if rated.overridden:
        console.print(Text(_("  Overridden: you were right."), style="green"))
    console.print(line)
    if rated.leech:
        qid = rated.item.question.id
        console.print(Text(_("  Leech: forgotten 8 times, so it is suspended. Rewrite it in your own words, then "
                             "bring it back with "), style="magenta") + plain(f"quizcli progress unsuspend {qid}")
                      + Text(_("."), style="magenta"))


def _day(until: datetime) -> str:
    # `until` is the end of the interview day: show the day itself.
    return interview_day(until)


def render_pace(console: Console, session: ReviewSession) -> None:
    """One line when --until raises the daily limit of new cards above --new."""
    q = session.queue
    if q.paced is not None and session.scheduler.until is not None:
        console.print(Text(_("{paced} new cards a day until {day}; {unseen} cards unseen").format(
            paced=q.paced, day=_day(session.scheduler.until), unseen=q.new_available), style="cyan"))


def _forecast(s: ReviewSummary, now: datetime) -> list:
    """The interview-date forecast per topic (empty without --until)."""
    body: list = []
    if s.until is None:
        return body
    body.append(Text(""))
    if s.until <= now:
        body.append(Text(_("The interview date {day} has passed; scheduling is plain FSRS.").format(day=_day(s.until)), style="dim"))
    else:
        body.append(Text(_("Predicted recall on {day} (target {target}), if nothing more is reviewed:").format(
            day=_day(s.until), target=f"{s.target:.0%}"), style="bold"))
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        for col, just in ((N_("topic"), "left"), (N_("cards"), "right"), (N_("reviewed"), "right"),
                          (N_("recall"), "right"), (N_("at target"), "right")):
            table.add_column(_(col), justify=just)
        for f in s.forecast:
            style = "green" if f.recall >= s.target else ("yellow" if f.recall >= 0.5 else "red")
            table.add_row(plain(f.topic), str(f.cards), str(f.seen), Text(f"{f.recall:.0%}", style=style),
                          f"{f.at_target}/{f.cards}")
        body.append(table)
        body.append(Text(_("Cards never reviewed count as 0. Keep reviewing what falls due: every review "
                           "before the date raises these numbers."), style="dim"))
    return body


def render_summary(console: Console, s: ReviewSummary, now: datetime) -> None:
    console.print()
    pct = _(" ({percent}%)").format(percent=f"{100 * s.correct / s.reviewed:.0f}") if s.reviewed else ""
    head = Text(_("Reviewed: "), style="bold") + Text(f"{s.reviewed}", style="bold")
    head += Text(_(" · correct {n}{pct}").format(n=s.correct, pct=pct))
    if not s.cram:
        head += Text(_(" · again {again} · new {new}").format(again=s.again, new=s.new))
    if s.skipped:
        head += Text(_(" · skipped {n}").format(n=s.skipped), style="dim")
    body: list = [head]
    if s.cram:
        body.append(Text(_("Cram: answers were logged; the schedule was not changed."), style="dim"))
    nxt = Text(_("Next due: "), style="bold")
    nxt += _when(s.next_due, now) if s.next_due else Text(_("nothing scheduled"), style="dim")
    body.append(nxt)
    if s.learning:
        body.append(Text(_("Still in a learning step: {n} (they are due within minutes; "
                           "`quizcli review` shows them then)").format(n=s.learning), style="cyan"))
    if s.due_left:
        body.append(Text(_("Still due now: {n} (run `quizcli review` again)").format(n=s.due_left), style="yellow"))
    body += _forecast(s, now)
    # A Text title: a str one is parsed as markup, which loads Rich's emoji table (bench/bench_review.py).
    console.print(Panel(Group(*body), title=Text(_("Review summary")), title_align="left", border_style="magenta",
                        expand=True))


def render_empty(console: Console, session: ReviewSession, summary: ReviewSummary, now: datetime) -> None:
    q = session.queue
    text = Text(_("Nothing to review now."), style="bold")
    if summary.next_due:
        text += Text(_(" Next card due ")) + _when(summary.next_due, now) + Text(_("."))
    if q.new_available and not q.new_today_left:
        text += Text("\n" + _("{n} new cards wait; today's limit of new cards is reached "
                            "(--new raises it).").format(n=q.new_available), style="dim")
    console.print(text)
    console.print(Text(_("`quizcli review --cram` practises anything without changing the schedule."), style="dim"))
    extra = _forecast(summary, now)
    if extra:
        console.print(Group(*extra[1:]))


# --------------------------------------------------------------------------
# The loop


def _ask(session: ReviewSession, item: ReviewItem, console: Console, read: Reader, lang: str) -> Rated | None:
    """Read until the card is answered (Rated) or skipped (None)."""
    q = item.question
    revealed = False
    while True:
        raw = read("> ")
        cmd = command(raw)
        if raw.strip().startswith("\\"):
            raw = raw.strip()[1:]
        elif cmd in QUIT_WORDS:
            raise Quit
        elif cmd in HELP_WORDS:
            console.print(Text(_(HELP), style="dim"))
            continue
        elif cmd in _UNDO:
            if session.can_undo:
                raise _Undo
            console.print(Text(_("  nothing to undo"), style="yellow"))
            continue
        elif cmd in _SUSPEND:
            session.suspend()
            console.print(Text(_("  suspended: "), style="yellow") + plain(q.id)
                          + Text(_(" (back with `quizcli progress unsuspend {id}`)").format(id=q.id), style="dim"))
            return None
        elif cmd in _BURY:
            until = session.bury()
            console.print(Text(_("  buried until "), style="yellow") + Text(until.astimezone().strftime("%Y-%m-%d %H:%M")))
            return None
        elif cmd in _FLAG:
            flagged = session.flag()
            console.print(Text(_("  flagged") if flagged else _("  flag removed"), style="cyan"))
            continue
        elif cmd in SKIP_WORDS or (cmd == "" and not q.type.self_graded):
            session.skip()
            console.print(Text(_("  skipped · answer: "), style="yellow") + correct_answer(q, lang, item.item.order))
            return None
        if q.type is QuestionType.CODE:       # code exercises (#18): answered with code, in practice
            if cmd in ("p", "practice") and not session.cram:
                _practice(session, item, console, read, lang)
                return None
            console.print(Text("  a code exercise: p practises it here (the grader's result goes into the "
                               "schedule), Enter or s skips", style="yellow"))
            continue
        if q.type.self_graded:
            if not revealed:
                render_reveal(console, item.item, lang)
                if session.cram:
                    console.print(key_hints(("1", _("again")), ("2", _("hard")), ("3", _("good")), ("4", _("easy")),
                                            ("u", _("undo")), ("q", _("quit"))))
                else:
                    console.print(_rating_keys(session.intervals(), ("u", _("undo")), ("q", _("quit"))))
                revealed = True
                continue
        verdict = submit(session, raw, console, self_graded=q.type.self_graded)
        if verdict is not None:
            return verdict


def _practice(session: ReviewSession, item: ReviewItem, console: Console, read: Reader, lang: str) -> None:
    """A code card's `p`: the practice flow (#18), graded on Enter (no watching in review). A graded
    attempt rates the card (it counts as reviewed); nothing graded leaves it skipped."""
    from quizcli.errors import QuizcliError
    from quizcli.exercise.runner import check_can_run
    from quizcli.ui import practice as ui_practice
    from quizcli.ui.errors import print_error

    practice = session.practice()
    try:
        check_can_run(practice.files)
    except QuizcliError as err:
        print_error(err)
        session.skip()
        return
    try:
        ui_practice.run(practice, console, lang=lang, read=lambda timeout: read("> "), watch=False)
    finally:
        session.practised(practice)


class _Demo:
    """How the demo key runs a demo: as the quiz does, in the demo engine's
    subprocess (quizcli.ui.demo is imported only when a demo runs)."""

    def __init__(self, lang: str, seed: int, banks: tuple[Path, ...]) -> None:
        self.lang, self.seed, self.banks = lang, seed, banks
        self.key = DemoKey(lang, seed)

    def run(self, console: Console, demo_id: str) -> bool:
        """Show the demo; True if it came from the results cache (d again runs it afresh)."""
        if self.banks:
            # A --bank may bring its own demos/ folder (the registry is standard library only).
            from quizcli.demo import registry

            registry.use_banks(list(self.banks))
        return self.key.press(console, demo_id)


def _demo_line(console: Console, demo_id: str) -> None:
    console.print(Text(_("  Demo: "), style="bold") + plain(demo_id)
                  + Text(_(" measures this claim in a small PyTorch run."), style="dim"))


def _next_key(console: Console, read: Reader) -> str | None:
    """A key after an answer: q quits and u undoes (by raising), ? shows the help (None)."""
    cmd = command(read("> "))
    if cmd in QUIT_WORDS:
        raise Quit
    if cmd in _UNDO:
        raise _Undo
    if cmd in HELP_WORDS:
        console.print(Text(_(HELP), style="dim"))
        return None
    return cmd


def _offer_demo(session: ReviewSession, rated: Rated, console: Console, read: Reader, demo: _Demo) -> None:
    """After a wrong answer or a flashcard's rating: d runs the question's
    demo, r (after a wrong auto-grade) says "I was right"; Enter goes on.
    An unknown key asks again."""
    demo_id = rated.item.question.demo
    can_override = not rated.correct and rated.grade is None
    if not demo_id and not can_override:
        return
    if demo_id:
        _demo_line(console, demo_id)
    afresh = False   # the demo was shown from the results cache: d again runs it afresh
    while True:
        keys = [("Enter", _("next card"))]
        if demo_id:
            keys.append(("d", _("run it afresh") if afresh else _("run the demo")))
        if can_override:
            keys.append(("r", _("I was right")))
        console.print(key_hints(*keys, ("u", _("undo")), ("q", _("quit"))))
        raw_cmd = _next_key(console, read)
        if raw_cmd is None:
            continue
        if raw_cmd == "":
            return
        if raw_cmd == "d" and demo_id:
            afresh = demo.run(console, demo_id)
            if not afresh:
                demo_id = None       # then Enter goes on, leaving its output on screen
            continue
        if raw_cmd in _RIGHT and can_override:
            fixed = session.override()
            render_rated(console, fixed, session)
            if fixed.adjustable:
                _adjust(session, fixed, console, read, demo)
            return
        console.print(Text(_("  {key} is not a key here; ").format(key=repr(raw_cmd)) + _("Enter goes on")
                           + (_(", d runs the demo") if demo_id else "")
                           + (_(", r says you were right") if can_override else "") + _(", ? shows help"), style="yellow"))


def _adjust(session: ReviewSession, rated: Rated, console: Console, read: Reader, demo: _Demo) -> None:
    """After a right answer: keep Good, or change it to Hard or Easy (and d runs the demo)."""
    iv = rated.adjustable
    demo_id = rated.item.question.demo
    keys = [("Enter", f"{_('good')} {format_interval(iv[GOOD])}"), ("h", f"{_('hard')} {format_interval(iv[HARD])}"),
            ("e", f"{_('easy')} {format_interval(iv[EASY])}"), ("u", _("undo")), ("q", _("quit"))]
    if demo_id:
        _demo_line(console, demo_id)
        keys.insert(3, ("d", _("run the demo")))
    console.print(key_hints(*keys))
    while True:
        cmd = _next_key(console, read)
        if cmd is None:
            continue
        if cmd == "d" and demo_id:
            demo.run(console, demo_id)
            # The rating is still open: ask for it again after the demo.
            console.print(key_hints(*(k for k in keys if k[0] != "d")))
            continue
        rating = _ADJUST.get(cmd)
        if rating is None:
            console.print(Text(_("  Enter keeps good; h hard, e easy, u undo") + (_(", d demo") if demo_id else ""),
                               style="yellow"))
            continue
        if rating != rated.rating:
            render_rated(console, session.adjust(rating), session)
        return


def run(session: ReviewSession, console: Console, *, lang: str, read: Reader | None = None, demo_seed: int = 0,
        demo_banks: tuple[Path, ...] = ()) -> ReviewSummary:
    """Run the review to its end (done, q, Ctrl-C or Ctrl-D) and show the summary.

    `demo_seed` and `demo_banks` are what the demo key runs a demo with, as in the quiz.
    """
    demo = _Demo(lang, demo_seed, tuple(demo_banks))
    if read is None:
        read = reader_for(console)
    render_pace(console, session)
    total = len(session.items)
    if total == 0:
        summary = session.summary()
        render_empty(console, session, summary, session.now())
        return summary
    with ending(session, console):
        while not session.finished:
            item = session.show()
            render_card_head(console, item, session)
            render_question(console, item.item, session.total, lang, flagged=session.flagged(item.question.id))
            try:
                rated = _ask(session, item, console, read, lang)
                if rated is None:
                    continue
                if not item.question.type.self_graded or rated.rating is None:
                    render_feedback(console, Feedback(item.item, rated.correct, rated.given, rated.grade, rated.picked),
                                    lang)
                render_rated(console, rated, session)
                if rated.adjustable:
                    _adjust(session, rated, console, read, demo)
                else:
                    _offer_demo(session, rated, console, read, demo)
            except _Undo:
                undone = session.undo()
                if undone is not None:
                    console.print(Text(_("  undone: "), style="yellow") + plain(undone.question.id)
                                  + Text(_(" (its schedule is back as it was)"), style="dim"))
    summary = session.summary()
    render_summary(console, summary, session.now())
    return summary
