"""What the review session (quizcli.sessions.review) hands out and keeps:
the result of a rating, the summary, and its own immutable place and undo
records. Never prints."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, NamedTuple

from quizcli.sessions.forecast import TopicForecast
from quizcli.sessions.queue import ReviewItem

if TYPE_CHECKING:
    from quizcli.sessions.practice import Attempt
    from quizcli.sessions.quiz import AnswerEvent

_EMPTY: Mapping = MappingProxyType({})   # a default no one can fill


class Rated(NamedTuple):
    """What the UI shows after an answer or a rating."""

    item: ReviewItem
    correct: bool
    given: str
    rating: int | None               # None in cram
    picked: tuple[int, ...] = ()     # shown positions picked, for choice questions
    due: datetime | None = None      # the next review it set
    capped: bool = False             # moved earlier to hold the interview date
    adjustable: Mapping[int, timedelta] = _EMPTY  # ratings it may change to, with intervals
    grade: int | None = None         # a flashcard's self-grade
    again_in_session: bool = False   # in a short learning step: it comes back in this session
    interval: timedelta | None = None  # the interval the rating gave (due - the time of the rating)
    leech: bool = False              # this lapse made it a leech: it is suspended
    overridden: bool = False         # the user said "I was right" after a wrong auto-grade


class _Place(NamedTuple):
    """Where the session stands; immutable, so undo restores it exactly."""

    pos: int                                 # next card of the queue
    learning: tuple[ReviewItem, ...]         # cards to show again once their step is due, soonest first
    skipped: int
    current: ReviewItem | None
    from_learning: bool                      # current is learning[0]
    # Cards of the store that fell due during the session (rated in an earlier
    # one), asked after the queue: how many so far, and the current one is one.
    caught_up: int = 0
    catching_up: bool = False
    # Questions this session has rated or skipped: a card that falls due again
    # comes back through the learning list, or in another session.
    handled: frozenset = frozenset()


class _Done:
    """A rated answer, for undo and for changing the rating."""

    __slots__ = ("place", "uid", "item", "correct", "rating", "at", "event", "after", "leech", "overridden")

    def __init__(self, place: _Place, uid: str, item: ReviewItem, correct: bool, rating: int | None,
                 at: datetime, event: AnswerEvent | Attempt) -> None:
        self.place = place               # where the session stood when the card was rated
        self.uid = uid
        self.item = item
        self.correct = correct
        self.rating = rating
        self.at = at
        self.event = event
        self.after: _Place | None = None  # where the rating took the session
        self.leech = False                # the rating suspended the card as a leech
        self.overridden = False


class ReviewSummary(NamedTuple):
    total: int                       # cards queued
    reviewed: int                    # ratings given (a card shown again in a learning step counts again)
    correct: int
    again: int
    skipped: int
    new: int                         # new cards learned
    next_due: datetime | None        # the soonest due card after the session (matching cards)
    due_left: int                    # still due now
    cram: bool
    until: datetime | None
    target: float
    forecast: tuple[TopicForecast, ...]
    ended_by: str
    learning: int = 0                # cards still in a short learning step, not yet shown again
