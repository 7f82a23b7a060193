"""Review asks what is due (#14): cards that fall due during a session are
asked in it, whichever session rated them, before any learning step is asked
early; at the end of a session that was not cut short nothing is due."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from quizcli import answers
from quizcli.bank import load_library
from quizcli.model import QuestionType
from quizcli.sessions.queue import load_queue
from quizcli.sessions.review import ReviewSession
from quizcli.scheduler import Scheduler
from quizcli.selection import choice_order
from quizcli.store import open_store

from review_kit import FIXTURES, SEED, T0, Clock, right_answer


@pytest.fixture(autouse=True)
def _utc(local_tz):
    local_tz("UTC")


@pytest.fixture(scope="module")
def library():
    return load_library([FIXTURES], include_builtin=False)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "p.db") as st_:
        yield st_


def start(library, store, clock, *, new=20, topic="rv", limit=None):
    sched = Scheduler()
    questions = [q for q in library.questions if q.bank_id == topic]
    queue = load_queue(store, questions, clock(), seed=SEED, new_per_day=new, scheduler=sched, limit=limit)
    return ReviewSession(queue, store, sched, questions=questions, now=clock)


def rate(s: ReviewSession, right: bool = True):
    item = s.show()
    q = item.question
    if q.type is QuestionType.FLASHCARD:
        return s.grade("3" if right else "1")
    return s.answer(right_answer(q) if right else "zzz" if q.type is QuestionType.SHORT_ANSWER else
                    "1" if q.type is QuestionType.NUMERIC else
                    ("f" if q.answer_bool else "t") if q.type is QuestionType.TRUE_FALSE else
                    next(answers.LETTERS[p] for p, i in enumerate(choice_order(q, SEED)) if not q.choices[i].correct))


def test_a_card_from_an_earlier_session_that_falls_due_is_asked_before_learning_ahead(library, store):
    clock = Clock(T0)
    first = start(library, store, clock, new=1)
    assert rate(first, right=False).item.question.id == "rv-card"       # again: due in 1 minute
    first.end("quit")

    clock.at = T0 + timedelta(seconds=30)
    second = start(library, store, clock, new=2)                          # one new card left today
    assert [i.question.id for i in second.items] == ["rv-single"]        # rv-card is not due yet
    rated = rate(second)                                                  # good: back in 10 minutes
    assert rated.again_in_session
    clock.at = T0 + timedelta(seconds=80)                                 # rv-card fell due 20 s ago
    assert second.current is not None and second.current.question.id == "rv-card", \
        "the due card from the earlier session must come before rv-single's step, asked 50 s ago"
    rate(second)
    # Only now the learning step, early, as nothing is due.
    assert second.current.question.id == "rv-single"
    while not second.finished:
        rate(second)
    summary = second.summary()
    assert summary.ended_by == "done" and summary.due_left == 0


def test_still_due_now_counts_what_is_due_at_the_end(library, store):
    clock = Clock(T0)
    s = start(library, store, clock, new=1)
    rate(s, right=False)
    s.end("quit")
    clock.at = T0 + timedelta(minutes=5)
    later = start(library, store, clock, new=1)
    later.show()
    later.skip()                                                          # the due card is left
    summary = later.summary()
    assert summary.due_left == 1 and summary.skipped == 1


def test_a_session_limit_is_kept(library, store):
    clock = Clock(T0)
    s = start(library, store, clock, new=3)
    for _ in range(3):
        rate(s, right=False)
    s.end("quit")
    clock.at = T0 + timedelta(minutes=2)
    limited = start(library, store, clock, new=0, limit=1)
    rate(limited)
    clock.at += timedelta(minutes=1)
    assert limited.current is None or limited.current.repeat, "-n 1: at most one card of the store this session"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.one_of(st.integers(0, 120), st.integers(0, 3 * 86400)),   # gap before the session
                          st.lists(st.tuples(st.booleans(), st.integers(0, 900)), min_size=1, max_size=25),
                          st.one_of(st.none(), st.integers(0, 6))),                      # quit after this many
                min_size=1, max_size=6),
       st.integers(0, 3))
def test_nothing_matching_is_due_at_the_end_of_a_session_not_cut_short(library, tmp_path_factory, sessions, new):
    """Sessions at any times, right and wrong answers taking any time, some
    of them quit early: when a session ends by itself (nothing skipped,
    nothing quit), no card that matches its filters is due."""
    with open_store(tmp_path_factory.mktemp("due") / "p.db") as st_:
        clock = Clock(T0)
        for gap, answers_, quit_after in sessions:
            clock.at += timedelta(seconds=gap)
            s = start(library, st_, clock, new=new)
            for n, (right, seconds) in enumerate(answers_):
                if s.finished or n == quit_after:
                    break
                rate(s, right)
                clock.at += timedelta(seconds=seconds)
            if quit_after is not None and quit_after < len(answers_):
                s.end("quit")                   # cut short: its learning steps are left for later
                continue
            # The rest of the session is answered right, as time goes on.
            steps = 0
            while not s.finished:
                rate(s)
                clock.at += timedelta(seconds=20)
                steps += 1
                assert steps < 200, "the session does not end"
            ids = {q.id for q in library.questions if q.bank_id == "rv"}
            due_now, _ = st_.due_summary(ids, clock())
            assert due_now == 0
            assert s.summary().due_left == 0


class Ticking(Clock):
    """Real time as a user spends it: every look at the clock is 7 s later."""

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=7)
        return self.at


def test_the_interval_given_is_the_one_shown_on_the_key(library, store):
    import io
    import re

    from rich.console import Console

    from quizcli.ui import review as ui

    clock = Ticking(T0)
    s = start(library, store, clock, new=1)                # rv-card, a new flashcard
    console = Console(file=io.StringIO(), width=120, color_system=None)
    keys = iter(["", "2", "", "q"])
    ui.run(s, console, lang="en", read=lambda prompt: next(keys))
    out = console.file.getvalue()
    shown = re.search(r"2 hard (\S+)", out).group(1)
    given = re.search(r"Rated hard · next review in (\S+)", out)
    assert given, out
    assert given.group(1) == shown == "6m"


# -- --until (#14)


def test_a_past_until_is_refused_and_the_kept_date_named(store):
    from quizcli.errors import ExitCode, QuizcliError
    from quizcli.sessions.settings import scheduler_from_settings

    kept = scheduler_from_settings(store, T0, until="2026-12-15").until
    with pytest.raises(QuizcliError) as err:
        scheduler_from_settings(store, T0, until="2026-11-01")
    assert err.value.exit_code == ExitCode.USAGE
    assert "2026-11-01" in err.value.message and "passed" in err.value.message
    assert "the interview date stays 2026-12-15" in err.value.message
    assert scheduler_from_settings(store, T0).until == kept           # unchanged
    assert scheduler_from_settings(store, T0, until="2026-11-26").until is not None   # today is not past


def test_a_past_until_through_the_cli(monkeypatch):
    from cli_run import run

    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:00:00Z")
    code, out, err = run(["review", "--until", "2025-01-01"], input="q\n")
    assert code == 2
    assert err.startswith("error: ") and "2025-01-01" in err and "no interview date is kept" in err
    assert "Traceback" not in err


def test_until_says_when_it_raises_the_daily_new_limit(monkeypatch):
    from cli_run import run

    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:00:00Z")
    code, out, err = run(["review", "--until", "2026-11-27", "--topic", "bn", "--new", "5"], input="q\n")
    assert code == 0, err
    lines = [line for line in out.splitlines() if "new cards a day until 2026-11-27" in line]
    import math

    from quizcli.bank import load_library

    unseen = sum(1 for q in load_library().questions if q.bank_id == "bn")   # two days to see them all
    assert lines == [f"{math.ceil(unseen / 2)} new cards a day until 2026-11-27; {unseen} cards unseen"], out[:2000]
    code, out, err = run(["review", "--topic", "bn", "--new", "40"], input="q\n")
    assert "new cards a day until" not in out                          # the limit given is enough


# -- "I was right", suspend, bury, flag, leeches (#14)


def _answers(store):
    return store.query("SELECT question_id, correct, rating, overridden FROM answers ORDER BY id")


def test_i_was_right_rates_good_and_is_recorded_as_overridden(library, store):
    clock = Clock(T0)
    s = start(library, store, clock, new=2)
    s.show()
    s.grade("3")                                     # rv-card (a flashcard) first
    item = s.show()
    assert item.question.id == "rv-single"
    wrong = s.answer(next(answers.LETTERS[p] for p, i in enumerate(choice_order(item.question, SEED))
                                       if not item.question.choices[i].correct))
    assert not wrong.correct and wrong.rating == 1
    fixed = s.override()
    assert fixed.correct and fixed.overridden and fixed.rating == 3
    good, _ = Scheduler().review(None, 3, T0)
    assert store.card("rv-single") == good            # the schedule as if rated good
    assert _answers(store)[-1] == ("rv-single", 1, 3, 1)
    assert s.summary().correct == 2
    with pytest.raises(ValueError):
        s.override()                                  # once


def test_override_only_for_a_wrong_auto_grade(library, store):
    s = start(library, store, Clock(T0), new=1)
    s.show()
    s.grade("1")                                      # a flashcard graded again by the user
    with pytest.raises(ValueError):
        s.override()


def test_suspend_and_bury_take_the_card_out(library, store):
    clock = Clock(T0)
    s = start(library, store, clock, new=3)
    first = s.show().question.id
    s.suspend()
    second = s.show().question.id
    until = s.bury()
    assert until == datetime(2026, 11, 27, tzinfo=timezone.utc)
    assert s.current.question.id not in (first, second)
    assert s.flag() is True and s.flag() is False
    s.end("quit")
    again = start(library, store, clock, new=10)
    ids = {i.question.id for i in again.items}
    assert first not in ids and second not in ids
    clock.at = until
    tomorrow = start(library, store, clock, new=10)
    ids = {i.question.id for i in tomorrow.items}
    assert second in ids and first not in ids
    holds = store.holds()
    assert holds[first][0] == 1


def test_a_leech_is_suspended_after_8_lapses(library, store):
    clock = Clock(T0)
    sched = Scheduler()
    lapses = 0
    card = None
    while lapses < 7:                                # rv-card: learned, then forgotten 7 times
        for rating in (3, 3, 3, 1):
            card, _ = sched.review(card, rating, clock.at)
            clock.at = max(clock.at, card.due)
        lapses = card.lapses
    from quizcli.sessions.quiz import AnswerEvent

    store.record_review(AnswerEvent("rv-card", clock.at, "3", True, 3, 1.0, "review"), 3, None, card)
    clock.at = card.due + timedelta(days=1)
    s = start(library, store, clock, new=0)
    # Get it to the review state and due.
    while store.card("rv-card").state != 2:
        s.show()
        s.grade("3")
        clock.at = store.card("rv-card").due
        s = start(library, store, clock, new=0)
    s.show()
    rated = s.grade("1")                             # the 8th lapse
    assert store.card("rv-card").lapses == 8 and rated.leech
    assert store.holds()["rv-card"][0] == 2
    assert s.current is None or s.current.question.id != "rv-card"
    s.undo()                                          # undo takes the suspension back too
    assert "rv-card" not in store.holds()
