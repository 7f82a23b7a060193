"""Stats computed from a store with known history, with a fixed clock, in UTC."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as hst
from rich.console import Console

from quizcli import stats as stats_mod
from quizcli.bank import load_library
from quizcli.scheduler import AGAIN, GOOD, REVIEW, Scheduler
from quizcli.sessions.quiz import AnswerEvent
from quizcli.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "review" / "content"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _utc(local_tz):
    local_tz("UTC")


@pytest.fixture(scope="module")
def library():
    return load_library([FIXTURES], include_builtin=False)


def ev(qid, at, correct=True, mode="quiz"):
    return AnswerEvent(qid, at, "x", correct, None, 1.0, mode)


def rate(st, sched, qid, rating, at):
    before = st.card(qid)
    after, _ = sched.review(before, rating, at)
    st.record_review(ev(qid, at, rating != AGAIN, "review"), rating, before, after)


@pytest.fixture
def filled(tmp_path):
    sched = Scheduler()
    st = open_store(tmp_path / "p.db")
    # Activity: today, yesterday, the day before (a 3-day streak), and 10 days ago.
    for days in (0, 1, 2, 10):
        st.record_answer(ev("rv-tf", NOW - timedelta(days=days, hours=1)))
    # A leech: rv-num failed 8 times.
    for i in range(8):
        st.record_answer(ev("rv-num", NOW - timedelta(days=20, minutes=i), correct=False))
    # rv-card through learning into review, then reviewed twice in the review state (one lapse).
    t = NOW - timedelta(days=60)
    for rating in (GOOD, GOOD):
        rate(st, sched, "rv-card", rating, t)
        t = st.card("rv-card").due
    assert st.card("rv-card").state == REVIEW
    rate(st, sched, "rv-card", GOOD, st.card("rv-card").due)
    rate(st, sched, "rv-card", AGAIN, st.card("rv-card").due)
    # An answer to a question no loaded bank has.
    st.record_answer(ev("gone-q", NOW - timedelta(days=400)))
    yield st, sched
    st.close()


def test_topics_accuracy_and_recall(library, filled):
    st, sched = filled
    s = stats_mod.compute(library, st, NOW, sched)
    topics = {t.topic: t for t in s.topics}
    rv = topics["rv"]
    assert rv.cards == 6 and rv.seen == 3
    assert rv.answers == 4 + 8 + 4 and rv.correct == 4 + 0 + 3
    assert rv.accuracy == pytest.approx(7 / 16)
    assert rv.scheduled == 1
    assert rv.mean_recall == pytest.approx(sched.retrievability(st.card("rv-card"), NOW))
    assert topics["rw"].seen == 0 and topics["rw"].accuracy is None and topics["rw"].mean_recall is None
    orphan = topics[stats_mod.ORPHAN_TOPIC]
    assert orphan.answers == 1 and orphan.cards == 1
    assert s.total.answers == 17


def test_activity_streak_and_today(library, filled):
    st, sched = filled
    s = stats_mod.compute(library, st, NOW, sched)
    assert len(s.activity) == 365 and s.activity[-1][0] == date(2026, 11, 26)
    days = dict(s.activity)
    assert days[date(2026, 11, 26)] == 1 and days[date(2026, 11, 16)] == 1
    assert days[date(2026, 11, 6)] == 8               # the leech's failures
    assert date(2025, 10, 22) not in days              # older than a year
    assert s.streak == 3 and s.answered_today == 1


def test_streak_survives_until_the_end_of_today(library, tmp_path):
    st = open_store(tmp_path / "p.db")
    st.record_answer(ev("rv-tf", NOW - timedelta(days=1)))
    st.record_answer(ev("rv-tf", NOW - timedelta(days=2)))
    s = stats_mod.compute(library, st, NOW, Scheduler())
    assert s.streak == 2 and s.answered_today == 0
    st.close()


def test_due_forecast_retention_leeches(library, filled):
    st, sched = filled
    s = stats_mod.compute(library, st, NOW, sched)
    assert len(s.due) == 14 and s.due[0][0] == date(2026, 11, 26)
    card = st.card("rv-card")
    assert sum(n for _, n in s.due) == (1 if card.due.date() < date(2026, 12, 10) else 0)
    # Two reviews of a card in the review state: one recalled, one lapse.
    assert s.retention_reviews == 2 and s.true_retention == pytest.approx(0.5)
    assert s.desired_retention == 0.9
    assert [(l.question_id, l.failures) for l in s.leeches] == [("rv-num", 8)]


def test_json_has_the_same_data(library, filled):
    st, sched = filled
    s = stats_mod.compute(library, st, NOW, sched)
    data = json.loads(json.dumps(stats_mod.to_json(s)))
    assert data["streak"] == 3 and data["leeches"][0]["question_id"] == "rv-num"
    assert data["activity"]["2026-11-06"] == 8 and len(data["due"]) == 14
    assert data["retention"] == {"true": 0.5, "desired": 0.9, "reviews": 2}
    assert {t["topic"] for t in data["topics"]} == {"rv", "rw", stats_mod.ORPHAN_TOPIC}


def test_empty_store(library, tmp_path):
    with open_store(tmp_path / "none.db", readonly=True) as st:
        s = stats_mod.compute(library, st, NOW, Scheduler())
    assert s.streak == 0 and s.true_retention is None and s.leeches == () and s.total.answers == 0
    assert not (tmp_path / "none.db").exists()


def test_render_heatmap_and_tables(library, filled):
    from quizcli.ui.stats import heatmap, render_stats

    st, sched = filled
    s = stats_mod.compute(library, st, NOW, sched)
    out = io.StringIO()
    render_stats(Console(file=out, width=100, color_system=None), s)
    text = out.getvalue()
    assert "streak 3 days" in text and "rv-num" in text and "failed 8 of 8" in text
    assert "50.0% true (2 reviews of learned cards) against 90% desired" in text
    grid = heatmap(s.activity).plain.splitlines()
    assert len(grid) == 9                               # months, 7 weekdays, legend
    assert grid[0].strip().startswith(("Nov", "Dec"))
    # The busiest day (Fri 6 Nov: 8 answers) is the one darkest cell; today is a Thursday.
    assert "█" in grid[5] and sum(row.count("█") for row in grid[1:8]) == 1
    assert grid[4].rstrip()[-1] in "░▒▓█"              # today (Thursday row) had an answer


@pytest.mark.parametrize("tz, answered_utc, local_day", [
    ("Asia/Shanghai", "2026-11-25T16:30:00", date(2026, 11, 26)),        # +08:00
    ("America/New_York", "2026-11-26T03:00:00", date(2026, 11, 25)),     # -05:00
    ("Asia/Kolkata", "2026-11-25T18:35:00", date(2026, 11, 26)),         # +05:30: quarter hours
    ("Asia/Kolkata", "2026-11-25T18:25:00", date(2026, 11, 25)),
    ("Europe/Berlin", "2026-03-29T00:30:00", date(2026, 3, 29)),         # the day summer time starts
    ("Europe/Berlin", "2026-03-28T22:30:00", date(2026, 3, 28)),
])
def test_activity_falls_on_the_local_day(library, tmp_path, local_tz, tz, answered_utc, local_day):
    local_tz(tz)
    with open_store(tmp_path / "p.db") as st:
        st.record_answer(ev("rv-tf", datetime.fromisoformat(answered_utc + "+00:00")))
        s = stats_mod.compute(library, st, NOW, Scheduler())
    assert [d for d, n in s.activity if n] == [local_day]


def test_local_offsets_find_both_daylight_saving_changes(local_tz):
    from quizcli.stats import local_offsets

    local_tz("Europe/Berlin")
    start = datetime(2025, 11, 26, 9, 0, tzinfo=timezone.utc)
    assert local_offsets(start, NOW) == [(start, 60), (datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc), 120),
                                         (datetime(2026, 10, 25, 1, 0, tzinfo=timezone.utc), 60)]
    local_tz("Asia/Kolkata")
    assert local_offsets(start, NOW) == [(start, 330)]


def test_activity_across_daylight_saving_changes(library, tmp_path, local_tz):
    local_tz("Europe/Berlin")
    answered = {"2026-03-28T22:59:00": date(2026, 3, 28),     # 23:59 in winter time
                "2026-03-28T23:00:00": date(2026, 3, 29),
                "2026-07-01T21:59:00": date(2026, 7, 1),      # 23:59 in summer time
                "2026-07-01T22:00:00": date(2026, 7, 2),
                "2026-10-25T22:59:00": date(2026, 10, 25),    # winter time again
                "2026-10-25T23:00:00": date(2026, 10, 26)}
    with open_store(tmp_path / "p.db") as st:
        for at in answered:
            st.record_answer(ev("rv-tf", datetime.fromisoformat(at + "+00:00")))
        s = stats_mod.compute(library, st, NOW, Scheduler())
    assert {d: n for d, n in s.activity if n} == {d: 1 for d in answered.values()}


def _styled_chars(renderable, width=100) -> list[tuple[str, str]]:
    """Each character shown, with its style: what the eye sees, whatever
    the spans or segments that make it."""
    console = Console(file=io.StringIO(), width=width, color_system="truecolor", force_terminal=True)
    return [(ch, str(seg.style or "")) for line in console.render_lines(renderable, pad=False)
            for seg in line for ch in seg.text]


def test_heatmap_looks_as_drawn_a_day_at_a_time():
    # The heatmap adds a run of days of one level as one span; drawn a day
    # (a span) at a time, it must look the same, style for style.
    from rich.text import Text

    from quizcli.ui import stats as ui_stats

    first = date(2025, 11, 27)
    activity = [(first + timedelta(days=i), (i * 7919) % 13 if i % 5 else 0) for i in range(365)]
    counts, top = dict(activity), max(n for _, n in activity)
    start = first - timedelta(days=first.weekday())
    weeks = (activity[-1][0] - start).days // 7 + 1
    expected = ui_stats.heatmap(activity)
    grid = Text(style="dim")         # as the heatmap: its month line sets the base style
    for row in range(7):
        grid.append(ui_stats._day_label(row), style="dim")
        for w in range(weeks):
            day = start + timedelta(days=7 * w + row)
            if day < first or day > activity[-1][0]:
                grid.append(" ")
            else:
                glyph, style = ui_stats._LEVELS[ui_stats._level(counts.get(day, 0), top)]
                grid.append(glyph, style=style)
        grid.append("\n")
    drawn = _styled_chars(expected)
    rows = _styled_chars(grid)
    # The month labels above and the legend below are not part of the grid.
    month_line = len(expected.plain.split("\n")[0])
    assert drawn[month_line:month_line + len(rows)] == rows


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tz=hst.sampled_from(["UTC", "Asia/Kolkata", "Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe",
                           "Pacific/Chatham", "America/New_York"]),
       minutes=hst.lists(hst.integers(0, 400 * 24 * 60), min_size=1, max_size=40))
def test_activity_is_each_answer_on_its_local_day(library, tmp_path_factory, monkeypatch, tz, minutes):
    # Daylight saving (an hour, or half an hour on Lord Howe) and offsets in
    # quarter hours (Kolkata, St John's, Chatham): an answer counts on the
    # local day of the moment it was given.
    import time
    from collections import Counter

    monkeypatch.setenv("TZ", tz)
    time.tzset()
    start = NOW - timedelta(days=400)
    times = [start + timedelta(minutes=m) for m in minutes]
    with open_store(tmp_path_factory.mktemp("tz") / "p.db") as store:
        for at in times:
            store.record_answer(ev("rv-tf", at))
        s = stats_mod.compute(library, store, NOW, Scheduler())
    first = s.activity[0][0]
    expected = Counter(d for d in (at.astimezone().date() for at in times) if first <= d <= s.today)
    assert {d: n for d, n in s.activity if n} == dict(expected)
