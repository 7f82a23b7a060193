"""Spaced-repetition scheduling: a thin, pure wrapper over FSRS (py-fsrs).

    Scheduler(desired_retention, until).review(card, rating, now) -> (card, Review)

We do not implement FSRS; the `fsrs` package does the memory model
(stability, difficulty, learning steps). This module adds three things:

- `CardState`, a frozen, storable copy of an FSRS card (plus repetition and
  lapse counts), so the store and the review session never hold mutable
  fsrs objects;
- no fuzz: the interval is a pure function of the rating history, so a card
  rebuilt from its log (on import) is the card that was scheduled;
- the interview-date mode (`until`, with a target recall T for that day,
  default 0.95, never below the desired retention r). Plain FSRS already
  keeps every reviewed card at or above r at all times, so the mode is about
  the stronger target: after FSRS has scheduled a card, if the next review
  would fall after the interview date U and the FSRS forgetting curve
  predicts recall on U below T, the review is moved to U - g, where g is the
  longest gap after which a card of this stability is still recalled with
  probability >= T (the FSRS interval for retention T). A successful review
  never lowers FSRS stability, so once that review is passed, recall on U is
  predicted >= T, and the interval FSRS then gives (for r < T) reaches past
  U: one extra review per card at most, as late as possible. A failed review
  relearns the card and the rule applies again.

Retrievability uses the FSRS-6 power forgetting curve
R(t) = (1 + F t / S) ** -w20, F = 0.9 ** (-1 / w20) - 1, t in days,
with fractional days (py-fsrs rounds elapsed time to whole days).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any, NamedTuple

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
DEFAULT_RETENTION = 0.9
DEFAULT_TARGET = 0.95            # recall to aim for on the interview date

# fsrs.State values. fsrs itself is imported by Scheduler only, so that the
# quiz, which only stores answers, does not load it.
LEARNING, REVIEW, RELEARNING = 1, 2, 3


class CardState(NamedTuple):
    """Where one question stands in the schedule."""

    state: int                       # LEARNING, REVIEW or RELEARNING
    step: int | None                 # learning/relearning step, None in REVIEW
    stability: float | None          # days until recall drops to 90%
    difficulty: float | None         # 1 (easy) .. 10 (hard)
    due: datetime                    # UTC
    last_review: datetime | None     # UTC
    reps: int = 0                    # ratings given
    lapses: int = 0                  # Again on a card in REVIEW


class Review(NamedTuple):
    """The log of one rating."""

    rating: int
    at: datetime
    state_before: int | None         # None for a new card
    interval: timedelta              # due - at
    capped: bool                     # moved earlier by the interview-date rule


def new_card(now: datetime) -> CardState:
    """A card never reviewed; it is due at once."""
    return CardState(LEARNING, 0, None, None, _utc(now), None)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(timezone.utc)


class Scheduler:
    """FSRS with a desired retention and an optional interview date."""

    def __init__(self, desired_retention: float = DEFAULT_RETENTION, until: datetime | None = None,
                 target: float | None = None, parameters: tuple[float, ...] | None = None) -> None:
        if not 0.7 <= desired_retention <= 0.99:
            raise ValueError("desired retention must be between 0.70 and 0.99")
        if target is not None and not 0.7 <= target <= 0.99:
            raise ValueError("the target recall must be between 0.70 and 0.99")
        self.desired_retention = desired_retention
        self.until = _utc(until) if until is not None else None
        # Recall to aim for on the interview date: never below what FSRS keeps anyway.
        self.target = max(desired_retention, DEFAULT_TARGET if target is None else target)
        # FSRS's 21 parameters fitted to this candidate (`quizcli progress optimize`); None: FSRS's defaults.
        self.parameters = tuple(parameters) if parameters is not None else None

    # fsrs is imported when first needed: `quizcli review` shows its first
    # card before anything is scheduled.
    @cached_property
    def _fsrs(self) -> Any:
        from fsrs import Scheduler as _FsrsScheduler

        if self.parameters is not None:
            return _FsrsScheduler(parameters=self.parameters, desired_retention=self.desired_retention,
                                  enable_fuzzing=False)
        return _FsrsScheduler(desired_retention=self.desired_retention, enable_fuzzing=False)

    @cached_property
    def _decay(self) -> float:
        return -self._fsrs.parameters[20]

    @cached_property
    def _factor(self) -> float:
        return 0.9 ** (1 / self._decay) - 1

    # -- the memory model

    def retrievability(self, card: CardState | None, at: datetime) -> float:
        """Predicted probability of recall at `at` (0 for a card never reviewed)."""
        if card is None or card.last_review is None or card.stability is None:
            return 0.0
        days = max(0.0, (_utc(at) - card.last_review).total_seconds() / 86400)
        return self.recall(card.stability, days)

    @property
    def curve(self) -> tuple[float, float]:
        """(factor, decay) of the forgetting curve, for sums over many cards
        in SQL (Store.topic_totals): R = (1 + factor * days / stability) ** decay."""
        return self._factor, self._decay

    def recall(self, stability: float, days: float) -> float:
        """The forgetting curve: recall `days` after a review, at this stability."""
        return (1 + self._factor * days / stability) ** self._decay

    def gap_for(self, stability: float, target: float) -> timedelta:
        """The longest time after a review at which recall is still >= target."""
        days = stability / self._factor * (target ** (1 / self._decay) - 1)
        return timedelta(days=days)

    # -- scheduling

    def review(self, card: CardState | None, rating: int, now: datetime,
               seconds: float | None = None) -> tuple[CardState, Review]:
        """Rate `card` (None: new) at `now`; return the new state and the log.

        Pure: the same (card, rating, now) always gives the same result.
        """
        from fsrs import Card, Rating, State

        now = _utc(now)
        before = card if card is not None else new_card(now)
        fcard = Card(card_id=1, state=State(before.state), step=before.step, stability=before.stability,
                     difficulty=before.difficulty, due=before.due, last_review=before.last_review)
        duration = None if seconds is None else int(seconds * 1000)
        after, _ = self._fsrs.review_card(fcard, Rating(rating), review_datetime=now, review_duration=duration)
        due, capped = self._cap(after.due, after.stability, now)
        lapse = before.state == REVIEW and rating == AGAIN
        state = CardState(int(after.state), after.step, after.stability, after.difficulty, due, now,
                          before.reps + 1, before.lapses + int(lapse))
        return state, Review(rating, now, card.state if card is not None else None, due - now, capped)

    def preview(self, card: CardState | None, now: datetime) -> dict[int, timedelta]:
        """The interval each rating would give, for showing on its key."""
        return {r: self.review(card, r, now)[1].interval for r in (AGAIN, HARD, GOOD, EASY)}

    def _cap(self, due: datetime, stability: float | None, now: datetime) -> tuple[datetime, bool]:
        """The interview-date rule (see the module docstring)."""
        until = self.until
        if until is None or stability is None or now >= until or due <= until:
            return due, False
        probe = CardState(REVIEW, None, stability, None, due, now)
        if self.retrievability(probe, until) >= self.target:
            return due, False
        latest = until - self.gap_for(stability, self.target)
        # R(until) < target means the gap is shorter than until - now, so
        # `latest` is after now; max() only guards against rounding.
        return max(latest, now), True


def _half_up(x: float) -> int:
    # Not round(): it rounds halves to even (5.5 min -> 6, but 4.5 min -> 4).
    return int(math.floor(x + 0.5))


def format_interval(delta: timedelta) -> str:
    """A short human interval: 1m, 10m, 5h, 3d, 2.5mo, 1.2y.

    The one place where intervals are rounded: a rating's key and the line
    after the rating both show the scheduler's interval through it.
    """
    secs = delta.total_seconds()
    if secs < 3600:
        return f"{max(1, _half_up(secs / 60))}m"
    if secs < 86400:
        return f"{_half_up(secs / 3600)}h"
    days = secs / 86400
    if days < 30:
        return f"{_half_up(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")

