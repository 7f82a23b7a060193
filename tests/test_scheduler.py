"""The FSRS wrapper with a fixed clock, the interview-date rule, and its invariants."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from quizcli.scheduler import (AGAIN, EASY, GOOD, HARD, LEARNING, REVIEW, CardState, Scheduler, format_interval,
                               new_card)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def learn(s: Scheduler, ratings, start=T0, step=None):
    """Rate a card repeatedly, each time when it falls due (or after `step`)."""
    card, now = None, start
    for r in ratings:
        card, log = s.review(card, r, now)
        now = card.due if step is None else now + step
    return card


def test_new_card_good_then_good_graduates_to_review():
    s = Scheduler()
    card, log = s.review(None, GOOD, T0)
    assert card.state == LEARNING and card.due == T0 + timedelta(minutes=10)
    assert log.state_before is None and log.interval == timedelta(minutes=10)
    card2, log2 = s.review(card, GOOD, card.due)
    assert card2.state == REVIEW and card2.reps == 2 and card2.last_review == card.due
    assert log2.interval >= timedelta(days=1)


def test_same_input_same_output_no_fuzz():
    s = Scheduler()
    a = learn(s, [GOOD, GOOD, GOOD, GOOD])
    b = learn(Scheduler(), [GOOD, GOOD, GOOD, GOOD])
    assert a == b


def test_lapse_counted_and_relearning():
    s = Scheduler()
    card = learn(s, [GOOD, GOOD, GOOD])
    assert card.state == REVIEW
    after, log = s.review(card, AGAIN, card.due)
    assert after.lapses == 1 and log.state_before == REVIEW and after.state == 3
    assert after.stability < card.stability


def test_higher_retention_gives_shorter_intervals():
    card = learn(Scheduler(), [GOOD, GOOD])
    now = card.due
    lo = Scheduler(0.8).review(card, GOOD, now)[1].interval
    hi = Scheduler(0.95).review(card, GOOD, now)[1].interval
    assert hi < lo


def test_preview_orders_intervals():
    card = learn(Scheduler(), [GOOD, GOOD, GOOD])
    iv = Scheduler().preview(card, card.due)
    assert iv[AGAIN] < iv[HARD] < iv[GOOD] < iv[EASY]


def test_retrievability_is_desired_retention_at_due():
    s = Scheduler(0.9)
    card = learn(s, [GOOD, GOOD, GOOD])
    # Intervals are rounded to whole days, so R at due is 0.9 within a little.
    assert s.retrievability(card, card.due) == pytest.approx(0.9, abs=0.02)
    assert s.retrievability(card, card.last_review) == pytest.approx(1.0)
    assert s.retrievability(None, T0) == 0.0


def test_naive_time_refused():
    with pytest.raises(ValueError):
        Scheduler().review(None, GOOD, datetime(2026, 1, 1))


def test_retention_bounds():
    with pytest.raises(ValueError):
        Scheduler(0.5)


def test_format_interval():
    assert format_interval(timedelta(minutes=1)) == "1m"
    assert format_interval(timedelta(hours=5)) == "5h"
    assert format_interval(timedelta(days=3)) == "3d"
    assert format_interval(timedelta(days=60)) == "2mo"
    assert format_interval(timedelta(days=730)) == "2y"


# --------------------------------------------------------------------------
# The interview date


def test_until_caps_a_long_interval_before_the_date():
    plain = Scheduler(0.9)
    card = learn(plain, [GOOD, GOOD, GOOD, GOOD, GOOD])
    now = card.due
    free, _ = plain.review(card, GOOD, now)
    assert free.due - now > timedelta(days=20)
    # Before the free due date recall is still >= 0.9, but below the 0.95 target.
    until = now + (free.due - now) * 0.8
    s = Scheduler(0.9, until=until)
    assert s.target == 0.95
    probe = CardState(REVIEW, None, free.stability, None, free.due, now)
    assert 0.9 < s.retrievability(probe, until) < 0.95
    capped, log = s.review(card, GOOD, now)
    assert log.capped
    assert now < capped.due < until
    # Stability is FSRS's; only the date moved.
    assert capped.stability == free.stability and capped.difficulty == free.difficulty
    # A review passed at the new due date keeps recall on the date at the target:
    # the gap left is what the card's stability covers at 90%.
    gap = until - capped.due
    probe = CardState(REVIEW, None, capped.stability, None, until, capped.due)
    assert s.retrievability(probe, until) == pytest.approx(0.95, abs=1e-6)
    assert gap == s.gap_for(capped.stability, 0.95)
    # Passing that review sends the next one past the date, with recall on it >= 0.95.
    again, log2 = s.review(capped, GOOD, capped.due)
    assert not log2.capped and again.due > until
    assert s.retrievability(again, until) >= 0.95


def test_target_never_below_desired_retention():
    assert Scheduler(0.97, until=T0).target == 0.97
    assert Scheduler(0.9, until=T0, target=0.85).target == 0.9


def test_until_leaves_a_card_alone_when_recall_on_the_date_is_enough():
    plain = Scheduler(0.9)
    card = learn(plain, [GOOD, GOOD, GOOD, GOOD, GOOD, GOOD])
    now = card.due
    free, _ = plain.review(card, GOOD, now)
    until = now + (free.due - now) * 0.2    # so soon that recall holds above 0.95
    got, log = Scheduler(0.9, until=until).review(card, GOOD, now)
    assert not log.capped and got == free


def test_until_in_the_past_is_plain_fsrs():
    card = learn(Scheduler(), [GOOD, GOOD, GOOD])
    got, log = Scheduler(until=T0 - timedelta(days=1)).review(card, GOOD, card.due)
    assert not log.capped and got == Scheduler().review(card, GOOD, card.due)[0]


_ratings = st.lists(st.sampled_from([AGAIN, HARD, GOOD, EASY]), min_size=1, max_size=12)
_gaps = st.lists(st.floats(min_value=0.0, max_value=120.0), min_size=12, max_size=12)


@settings(max_examples=60, deadline=None)
@given(_ratings, _gaps, st.floats(min_value=0.75, max_value=0.97))
def test_due_never_before_review_and_state_is_sane(ratings, gaps, retention):
    s = Scheduler(retention)
    card, now = None, T0
    for r, gap in zip(ratings, gaps):
        card, log = s.review(card, r, now)
        assert card.due > now and card.last_review == now
        assert log.interval == card.due - now
        assert 1 <= card.difficulty <= 10 and card.stability > 0
        now = now + timedelta(days=gap)


@settings(max_examples=60, deadline=None)
@given(_ratings, _gaps, st.floats(min_value=1.0, max_value=200.0), st.floats(min_value=0.8, max_value=0.95),
       st.floats(min_value=0.8, max_value=0.98))
def test_until_next_due_never_after_the_date_when_recall_would_drop(ratings, gaps, days_left, retention, target):
    until = T0 + timedelta(days=days_left)
    s = Scheduler(retention, until=until, target=target)
    target = s.target
    card, now = None, T0
    for r, gap in zip(ratings, gaps):
        card, log = s.review(card, r, now)
        assert card.due > now or card.due == now == until
        if now < until:
            # Recall on the date, from this review, if the next one waits until due.
            probe = CardState(card.state, card.step, card.stability, card.difficulty, card.due, now)
            if s.retrievability(probe, until) < target - 1e-9:
                assert card.due <= until, "the next review must come before the interview"
            if log.capped:
                # ...and as late as possible: a passed review at `due` holds the target on the date.
                left = CardState(REVIEW, None, card.stability, None, until, card.due)
                assert s.retrievability(left, until) >= target - 1e-6
        now = now + timedelta(days=gap)


@settings(max_examples=40, deadline=None)
@given(_ratings, st.sampled_from([AGAIN, HARD, GOOD, EASY]))
def test_review_is_pure(ratings, last):
    s = Scheduler()
    card = learn(s, ratings)
    frozen = card
    a = s.review(card, last, card.due)
    b = s.review(card, last, card.due)
    assert a == b and card == frozen


def test_new_card_is_due_now():
    c = new_card(T0)
    assert c.due == T0 and c.state == LEARNING and c.reps == 0
