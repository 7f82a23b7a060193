"""The review session: spaced repetition over the loaded banks. Never prints.

Which cards: those due now (most overdue first), then new ones up to a
daily limit. How they are rated: an auto-graded question gives Again when
wrong and Good when right (the user may change Good to Hard or Easy); a
flashcard is rated by the user. Each rating is written to the store the
moment it is given, with the card's new schedule, in one transaction; `u`
undoes the last one exactly (the store keeps the card as it was before).

Learning steps within the session, as in Anki: a card that a rating leaves
in a short (re)learning step (FSRS's defaults: 1 and 10 minutes for a new
card, 10 minutes to relearn a lapse) comes back in the same session once
that step is due, before the rest of the queue; when nothing else is left,
up to LEARN_AHEAD (20 minutes) early. The clock is injected, so all of it
is tested with a fixed or advancing clock.

`cram` reviews anything matching, weakest first, and never touches the
schedule: its answers are logged with mode "cram".
"""

from __future__ import annotations

import gc
import heapq
import math
import os
import time
from collections import abc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import cached_property
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, Collection, Iterable, Iterator, Mapping, NamedTuple, Sequence

from quizcli import answers
from quizcli.errors import ExitCode, QuizcliError
from quizcli.model import Question, QuestionType
from quizcli.scheduler import (AGAIN, DEFAULT_RETENTION, EASY, GOOD, HARD, LEARNING, RELEARNING, CardState,
                               Scheduler)
from quizcli.store import Store, card_from_row, fmt_time, parse_time

if TYPE_CHECKING:
    from quizcli.bank.index import QuestionInfo
    from quizcli.session import AnswerEvent, Item

# quizcli.session is imported where it is used: `quizcli stats` uses this
# module's settings and forecast, never a session.

ENV_NOW = "QUIZCLI_NOW"        # testing hook: a fixed "now" (ISO 8601)
DEFAULT_NEW_PER_DAY = 20
# Learning steps within a session, as Anki does: a card left in a short
# (re)learning step is shown again once that step is due, or up to this much
# early when nothing else is left to review.
LEARN_AHEAD = timedelta(minutes=20)
SHORT_STEP = timedelta(days=1)   # steps shorter than this come back in the session

Now = Callable[[], datetime]
_EMPTY: Mapping = MappingProxyType({})   # a default no one can fill


def now_from_env() -> Now:
    """The clock: real UTC time, or the fixed time in $QUIZCLI_NOW (for tests)."""
    raw = os.environ.get(ENV_NOW)
    if not raw:
        return lambda: datetime.now(timezone.utc)
    try:
        fixed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise QuizcliError(f"${ENV_NOW} = {raw!r} is not an ISO 8601 time",
                           hint="e.g. 2026-11-26T09:00:00Z, or unset it", exit_code=ExitCode.USAGE) from None
    if fixed.tzinfo is None:
        fixed = fixed.replace(tzinfo=timezone.utc)
    fixed = fixed.astimezone(timezone.utc)
    return lambda: fixed


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Around building large sets of objects (the bank index or library, the
    review queue, the stats rows): no cyclic garbage collection while its
    many small objects are made (each collection walks all of them
    again: about 40% of the load in bench/bench_review.py), then gc.freeze()
    moves them out of the collector's sight for good; they live as long as
    the command anyway."""
    from quizcli.bank import gc_paused

    try:
        with gc_paused():
            yield
    finally:
        gc.freeze()


def start_of_day(at: datetime) -> datetime:
    """Local midnight before `at`, in UTC (days are the user's days)."""
    local = at.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def parse_until(raw: str, now: datetime) -> datetime:
    """An interview date (YYYY-MM-DD) -> the end of that local day, in UTC.

    The end of the day, because recall only falls during the day: what is
    predicted for its end holds at any hour of the interview.
    """
    from datetime import date

    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise QuizcliError(f"--until {raw!r} is not a date", hint="use YYYY-MM-DD, e.g. 2026-12-15",
                           exit_code=ExitCode.USAGE) from None
    local_tz = now.astimezone().tzinfo
    end = datetime(day.year, day.month, day.day, tzinfo=local_tz) + timedelta(days=1)
    return end.astimezone(timezone.utc)


def scheduler_from_settings(store: Store, now: datetime, *, retention: float | None = None,
                            until: str | None = None, target: float | None = None) -> Scheduler:
    """The scheduler with the remembered retention and interview date; new
    values given on the command line are remembered for next time."""
    if retention is not None:
        store.set_setting("retention", repr(retention))
    if target is not None:
        store.set_setting("target", repr(target))
    if until is not None:
        if until.strip().lower() in ("off", "none", ""):
            store.set_setting("until", None)
        else:
            store.set_setting("until", fmt_time(parse_until(until, now)))
    saved_r = store.setting("retention")
    saved_u = store.setting("until")
    saved_t = store.setting("target")
    return Scheduler(float(saved_r) if saved_r else DEFAULT_RETENTION,
                     until=parse_time(saved_u) if saved_u else None,
                     target=float(saved_t) if saved_t else None)


# --------------------------------------------------------------------------
# Choosing the cards


@dataclass(frozen=True)
class ReviewItem:
    number: int                      # 1-based position in the session
    ref: Question | QuestionInfo     # the question, or its index entry (see `question`)
    card: CardState | None           # None: never reviewed (new)
    seed: int
    repeat: int = 0                  # times already rated in this session (a learning step shown again)
    # Builds the full question from an index entry's id (quizcli.bank.index);
    # None when `ref` is the full question already.
    resolve: Callable[[str, str], Question] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def question(self) -> Question:
        """The full question, built when first needed: a queue of thousands
        of due cards holds index entries, and only the cards shown are built."""
        return self.ref if self.resolve is None else self.resolve(self.ref.id, self.ref.bank_id)  # type: ignore[return-value]

    @cached_property
    def item(self) -> Item:
        """The question as asked, choices shuffled; made when first shown,
        so that queueing thousands of due cards stays cheap."""
        from quizcli.session import Item, choice_order

        return Item(self.number, self.question, choice_order(self.question, self.seed))


class _Items(abc.Sequence):
    """The queue's items in order, each made when first read.

    A review with thousands of due cards (bench/bench_review.py: 2,000 of
    20,000) holds their stored rows; a card's state is parsed, and its
    ReviewItem made, only when the session reaches it. Read-only, and equal
    to any list or tuple of the same items.
    """

    __slots__ = ("_picked", "_seed", "_resolve", "_made")

    def __init__(self, picked: list[tuple[Question | QuestionInfo, CardState | tuple | None]], seed: int,
                 resolve: Callable[[str, str], Question] | None) -> None:
        self._picked = picked            # (question, its card: a CardState, a stored row, or None)
        self._seed = seed
        self._resolve = resolve
        self._made: list[ReviewItem | None] = [None] * len(picked)

    def __len__(self) -> int:
        return len(self._picked)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._picked)))]
        if index < 0:
            index += len(self._picked)
        item = self._made[index]        # IndexError beyond the end, as a tuple
        if item is None:
            ref, card = self._picked[index]
            if type(card) is tuple:        # a stored row (a CardState is a tuple too)
                card = card_from_row(card)
            item = self._made[index] = ReviewItem(index + 1, ref, card, self._seed, resolve=self._resolve)
        return item

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Items, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"_Items({list(self)!r})"


# The records below are NamedTuples: a frozen dataclass takes about a
# millisecond to make at import, and `quizcli review` imports this module
# before its first card.


class Queue(NamedTuple):
    items: Sequence[ReviewItem]
    due: int                         # due cards among the matching ones (all of them, not only queued)
    new_available: int               # matching questions never reviewed
    new_today_left: int              # how many new ones the daily limit still allows


_question_id = attrgetter("id")


def _by_difficulty(q: Question | QuestionInfo) -> tuple[int, str]:
    return q.difficulty, q.id


def _new_left(unseen: int, now: datetime, new_per_day: int, introduced_today: int,
              scheduler: Scheduler | None) -> int:
    """How many new cards today still allows."""
    left = max(0, new_per_day - introduced_today)
    until = scheduler.until if scheduler is not None else None
    if until is not None and now < until:
        # Pace new cards so that every one is learned before the interview:
        # at least (unseen at the start of today) / (days left) a day.
        days_left = max(1, math.ceil((until - start_of_day(now)) / timedelta(days=1)))
        pace = math.ceil((unseen + introduced_today) / days_left)
        left = max(left, pace - introduced_today)
    return left


def _pick(due: list, new: list[Question | QuestionInfo], now: datetime, *, seed: int, new_per_day: int,
          introduced_today: int, limit: int | None, scheduler: Scheduler | None,
          resolve: Callable[[str, str], Question] | None) -> Queue:
    """The review queue: the due cards (in order), then new ones up to the daily limit."""
    left = _new_left(len(new), now, new_per_day, introduced_today, scheduler)
    # nsmallest: linear in the bank size, as only `left` new cards are wanted.
    picked = due + [(q, None) for q in heapq.nsmallest(left, new, key=_by_difficulty)]
    if limit:
        picked = picked[:limit]
    return Queue(_Items(picked, seed, resolve), len(due), len(new), left)


def build_queue(questions: Sequence[Question | QuestionInfo], cards: dict[str, CardState], now: datetime, *,
                seed: int, new_per_day: int = DEFAULT_NEW_PER_DAY, introduced_today: int = 0, cram: bool = False,
                limit: int | None = None, scheduler: Scheduler | None = None,
                known: Collection[str] | None = None, resolve: Callable[[str, str], Question] | None = None) -> Queue:
    """The cards to review, in order.

    `cards` must hold every card due at `now` (all cards, for cram); `known`
    is the set of questions that have a card (default: those in `cards`).
    `questions` may be index entries, with `resolve` to build a full question
    from its id when its card is shown.
    """
    known = cards.keys() if known is None else known
    # One pass over the questions.
    seen: list[tuple[Question | QuestionInfo, CardState]] = []
    new: list[Question | QuestionInfo] = []
    for q in questions:
        card = cards.get(q.id)
        if card is not None:
            seen.append((q, card))
        elif q.id not in known:
            new.append(q)
    due = sorted(((q, c) for q, c in seen if c.due <= now), key=lambda qc: (qc[1].due, qc[0].id))
    if not cram:
        return _pick(due, new, now, seed=seed, new_per_day=new_per_day, introduced_today=introduced_today,
                     limit=limit, scheduler=scheduler, resolve=resolve)
    # Weakest first: never seen, then by predicted recall now.
    sched = scheduler or Scheduler()
    picked: list = [(q, None) for q in sorted(new, key=_by_difficulty)]
    picked += sorted(seen, key=lambda qc: (sched.retrievability(qc[1], now), qc[0].id))
    if limit:
        picked = picked[:limit]
    return Queue(_Items(picked, seed, resolve), len(due), len(new),
                 _new_left(len(new), now, new_per_day, introduced_today, scheduler))


def load_queue(store: Store, questions: Sequence[Question | QuestionInfo], now: datetime, *, seed: int,
               new_per_day: int = DEFAULT_NEW_PER_DAY, cram: bool = False, limit: int | None = None,
               scheduler: Scheduler | None = None, resolve: Callable[[str, str], Question] | None = None) -> Queue:
    """`build_queue` over what the store holds.

    A review reads the due cards only, in order (the index on due), as rows
    that are parsed when shown, and finds the new questions as a set
    difference: with 20,000 cards and 2,000 due (bench/bench_review.py) the
    first card is on screen without a pass over every card. Cram orders
    everything by predicted recall, so it reads every card.
    """
    introduced = store.introduced_since(start_of_day(now))
    if cram:
        return build_queue(questions, store.cards_for(q.id for q in questions), now, seed=seed,
                           new_per_day=new_per_day, introduced_today=introduced, cram=True, limit=limit,
                           scheduler=scheduler, resolve=resolve)
    by_id = dict(zip(map(_question_id, questions), questions))
    get = by_id.get
    due = []
    for row in store.due_card_rows(now):      # sorted by (due, question id), as build_queue sorts
        q = get(row[0])
        if q is not None:
            due.append((q, row))
    unseen = by_id.keys() - store.card_ids()
    new = [by_id[qid] for qid in unseen]
    return _pick(due, new, now, seed=seed, new_per_day=new_per_day, introduced_today=introduced, limit=limit,
                 scheduler=scheduler, resolve=resolve)


# --------------------------------------------------------------------------
# The session


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


class _Place(NamedTuple):
    """Where the session stands; immutable, so undo restores it exactly."""

    pos: int                                 # next card of the queue
    learning: tuple[ReviewItem, ...]         # cards to show again once their step is due, soonest first
    skipped: int
    current: ReviewItem | None
    from_learning: bool                      # current is learning[0]


class _Done:
    """A rated answer, for undo and for changing the rating."""

    __slots__ = ("place", "uid", "item", "correct", "rating", "at", "event", "after")

    def __init__(self, place: _Place, uid: str, item: ReviewItem, correct: bool, rating: int | None,
                 at: datetime, event: AnswerEvent) -> None:
        self.place = place               # where the session stood when the card was rated
        self.uid = uid
        self.item = item
        self.correct = correct
        self.rating = rating
        self.at = at
        self.event = event
        self.after: _Place | None = None  # where the rating took the session


class TopicForecast(NamedTuple):
    topic: str
    cards: int                       # questions in the topic (matching the filters)
    seen: int                        # of them ever reviewed
    recall: float                    # mean predicted recall on the date; never reviewed counts 0
    at_target: int                   # cards predicted at or above the target


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


class ReviewSession:
    """The review state machine.

    Cards come from the queue in order; a card that a rating leaves in a short
    (re)learning step (FSRS: 1 or 10 minutes) joins a learning list and is
    shown again in the session: before the queue as soon as its step is due,
    and, once the queue is done, up to `learn_ahead` early. Which card is
    next is decided after each rating, skip or undo, with the injected clock.
    """

    def __init__(self, queue: Queue, store: Store, scheduler: Scheduler, *, questions: Sequence[Question | QuestionInfo],
                 cram: bool = False, now: Now | None = None, clock: Callable[[], float] = time.monotonic,
                 learn_ahead: timedelta = LEARN_AHEAD, learning_steps: bool = True) -> None:
        self.queue = queue
        self.items = queue.items
        self.store = store
        self.scheduler = scheduler
        self.questions = questions           # everything matching, for the summary
        self.cram = cram
        self.mode = "cram" if cram else "review"
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.clock = clock
        self.learn_ahead = learn_ahead
        # Cram never touches the schedule, so it has no learning steps either.
        self.learning_steps = learning_steps and not cram
        self._shown_at: float | None = None
        self._done: list[_Done] = []
        self._ended_by: str | None = None
        self._place = self._next(0, (), 0)

    # -- where we are

    @property
    def current(self) -> ReviewItem | None:
        if self._ended_by is not None:
            return None
        return self._place.current

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def remaining(self) -> tuple[ReviewItem, ...]:
        """The queue from the current card (or the next one) on."""
        return tuple(self.items[self._place.pos:])

    @property
    def learning(self) -> tuple[ReviewItem, ...]:
        """Cards waiting to be shown again in this session, soonest first."""
        return self._place.learning

    def show(self) -> ReviewItem:
        item = self._require()
        self._shown_at = self.clock()
        return item

    def intervals(self) -> dict[int, timedelta]:
        """For the current card: the interval each rating would give (empty in cram)."""
        if self.cram:
            return {}
        return self.scheduler.preview(self._require().card, self.now())

    # -- what the user does

    def answer(self, raw: str) -> Rated:
        """Check an answer to an auto-graded question and rate it (Again or Good).

        Raises answers.InvalidAnswer, leaving everything as it was, when `raw`
        is not an answer of the right shape.
        """
        item = self._require()
        q = item.question
        checked = answers.check(q, raw, item.item.order)
        picked: tuple[int, ...] = ()
        if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            picked = answers.parse_choices(raw, len(item.item.order), q.type is QuestionType.MULTIPLE_CHOICE)
        rating = GOOD if checked.correct else AGAIN
        return self._record(item, raw, checked.correct, None, rating, picked)

    def grade(self, raw: str) -> Rated:
        """Rate the current flashcard 1-4 (again, hard, good, easy)."""
        item = self._require()
        if not item.question.type.self_graded:
            raise ValueError("only flashcards are self-graded")
        grade = answers.parse_grade(raw)
        return self._record(item, raw, answers.grade_is_correct(grade), grade, grade, ())

    def adjust(self, rating: int) -> Rated:
        """Change the last rating of a right answer to Hard, Good or Easy,
        before the next card is answered or skipped."""
        if not self._done:
            raise ValueError("nothing to adjust")
        done = self._done[-1]
        if self.cram or not done.correct or done.event.grade is not None or rating not in (HARD, GOOD, EASY):
            raise ValueError("only a right answer's rating can be changed, to hard, good or easy")
        if done.after is not self._place:
            raise ValueError("the rating can only be changed before the next card")
        after, log = self.scheduler.review(done.item.card, rating, done.at)
        self.store.rerate(done.uid, rating, after)
        done.rating = rating
        # The new rating may put the card in a different step (Easy graduates
        # it): decide again from where the session stood before the rating.
        again = self._leave(done.place, done.item, after)
        done.after = self._place
        return Rated(done.item, True, done.event.given, rating, due=after.due, capped=log.capped,
                     again_in_session=again)

    def skip(self) -> None:
        """Leave the current card for another session (a learning card too)."""
        self._require()
        place = self._place
        pos, learning = self._without_current(place)
        self._place = self._next(pos, learning, place.skipped + 1)
        self._shown_at = None

    def undo(self) -> ReviewItem | None:
        """Undo the last rated answer: the store forgets it and puts the card
        back as it was; the session goes back to where it stood (skips since,
        and the card's return in a learning step, are undone too); that card
        is asked again."""
        if not self._done:
            return None
        done = self._done.pop()
        self.store.undo(done.uid)
        self._place = done.place
        self._shown_at = None
        return done.item

    def end(self, how: str) -> None:
        if self._ended_by is None:
            self._ended_by = how

    # -- results

    def summary(self) -> ReviewSummary:
        now = self.now()
        ids = set(map(_question_id, self.questions))
        due_left, next_due = self.store.due_summary(ids, now)
        sched = self.scheduler
        forecast: tuple[TopicForecast, ...] = ()
        if sched.until is not None:
            forecast = forecast_recall(self.questions, self.store.cards_for(ids), sched)
        return ReviewSummary(
            total=len(self.items),
            reviewed=len(self._done),
            correct=sum(d.correct for d in self._done),
            again=sum(d.rating == AGAIN for d in self._done),
            skipped=self._place.skipped,
            new=sum(d.item.card is None for d in self._done),
            next_due=next_due,
            due_left=due_left,
            cram=self.cram,
            until=sched.until,
            target=sched.target,
            forecast=forecast,
            ended_by=self._ended_by or ("done" if self._place.current is None else "quit"),
            learning=len(self._place.learning),
        )

    # -- internals

    def _require(self) -> ReviewItem:
        item = self.current
        if item is None:
            raise RuntimeError("the session has no current card")
        return item

    def _next(self, pos: int, learning: tuple[ReviewItem, ...], skipped: int) -> _Place:
        """Pick the next card: a learning step that is due, else the queue,
        else a learning step due within the learn-ahead limit."""
        now = self.now()
        if learning and _due(learning[0]) <= now:
            return _Place(pos, learning, skipped, learning[0], True)
        if pos < len(self.items):
            return _Place(pos, learning, skipped, self.items[pos], False)
        if learning and _due(learning[0]) <= now + self.learn_ahead:
            return _Place(pos, learning, skipped, learning[0], True)
        return _Place(pos, learning, skipped, None, False)

    @staticmethod
    def _without_current(place: _Place) -> tuple[int, tuple[ReviewItem, ...]]:
        if place.from_learning:
            return place.pos, place.learning[1:]
        return place.pos + 1, place.learning

    def _leave(self, place: _Place, item: ReviewItem, after: CardState | None) -> bool:
        """Move on from `place` after `item` was rated (to `after`; None in
        cram). Returns whether the card comes back in this session."""
        pos, learning = self._without_current(place)
        again = (self.learning_steps and after is not None and after.state in (LEARNING, RELEARNING)
                 and after.due - (after.last_review or after.due) < SHORT_STEP)
        if again:
            assert after is not None
            back = replace(item, card=after, repeat=item.repeat + 1)
            # Soonest first; among equals, queue order, so a fixed clock gives a fixed order.
            learning = tuple(sorted((*learning, back), key=lambda i: (_due(i), i.number)))
        self._place = self._next(pos, learning, place.skipped)
        self._shown_at = None
        return again

    def _record(self, item: ReviewItem, raw: str, correct: bool, grade: int | None, rating: int,
                picked: tuple[int, ...]) -> Rated:
        started = self._shown_at if self._shown_at is not None else self.clock()
        at = self.now()
        from quizcli.session import AnswerEvent

        event = AnswerEvent(question_id=item.question.id, at=at, given=raw, correct=correct, grade=grade,
                            seconds=max(0.0, self.clock() - started), mode=self.mode)
        place = self._place
        if self.cram:
            uid = self.store.record_answer(event)
            done = _Done(place, uid, item, correct, None, at, event)
            self._leave(place, item, None)
            result = Rated(item, correct, raw, None, picked, grade=grade)
        else:
            after, log = self.scheduler.review(item.card, rating, at, event.seconds)
            uid = self.store.record_review(event, rating, item.card, after)
            done = _Done(place, uid, item, correct, rating, at, event)
            adjustable = {}
            if correct and grade is None:
                adjustable = {r: self.scheduler.review(item.card, r, at)[1].interval for r in (HARD, GOOD, EASY)}
            again = self._leave(place, item, after)
            result = Rated(item, correct, raw, rating, picked, after.due, log.capped, adjustable, grade, again)
        done.after = self._place
        self._done.append(done)
        return result


def _due(item: ReviewItem) -> datetime:
    assert item.card is not None      # only rated cards are in the learning list
    return item.card.due


def forecast_recall(questions: Iterable[Question | QuestionInfo], cards: dict[str, CardState],
                    sched: Scheduler) -> tuple[TopicForecast, ...]:
    """Predicted recall on the interview date per topic, if nothing more is reviewed.

    A lower bound: every review still scheduled before the date raises it.
    """
    assert sched.until is not None
    by_topic: dict[str, list[float | None]] = {}
    for q in questions:
        card = cards.get(q.id)
        by_topic.setdefault(q.bank_id, []).append(None if card is None else sched.retrievability(card, sched.until))
    out = []
    for topic, values in sorted(by_topic.items()):
        seen = [v for v in values if v is not None]
        out.append(TopicForecast(topic, len(values), len(seen), sum(seen) / len(values),
                                 sum(v >= sched.target - 1e-9 for v in seen)))
    return tuple(out)
