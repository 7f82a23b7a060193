"""The review queue: which cards a review shows, in which order.

Those due now (most overdue first), then new ones up to a daily limit
(paced to learn every card before an interview date); `cram` takes
anything matching, weakest first. Built from the store's rows without a
pass over every card, and items made only when the session reaches them.
"""

from __future__ import annotations

import heapq
import math
from collections import abc
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Collection, NamedTuple, Sequence

from quizcli.clock import start_of_day
from quizcli.model import Question
from quizcli.scheduler import CardState, Scheduler
from quizcli.store import Store, card_from_row

if TYPE_CHECKING:
    from quizcli.bank.index import QuestionInfo
    from quizcli.sessions.quiz import Item

DEFAULT_NEW_PER_DAY = 20


# --------------------------------------------------------------------------
# Choosing the cards


@dataclass(frozen=True)
class ReviewItem:
    number: int                      # 1-based position in the session
    ref: Question | QuestionInfo     # the question, or its index entry (see `question`)
    card: CardState | None           # None: never reviewed (new)
    seed: int
    repeat: int = 0                  # times already rated in this session (a learning step shown again)

    @cached_property
    def question(self) -> Question:
        """The full question, built when first needed: a queue of thousands
        of due cards holds index entries, and only the cards shown are built."""
        return self.ref.full()  # type: ignore[return-value]

    @cached_property
    def item(self) -> Item:
        """The question as asked, choices shuffled; made when first shown,
        so that queueing thousands of due cards stays cheap."""
        from quizcli.selection import choice_order
        from quizcli.sessions.quiz import Item

        return Item(self.number, self.question, choice_order(self.question, self.seed))


class _Items(abc.Sequence):
    """The queue's items in order, each made when first read.

    A review with thousands of due cards (bench/bench_review.py: 2,000 of
    20,000) holds their stored rows; a card's state is parsed, and its
    ReviewItem made, only when the session reaches it. Read-only, and equal
    to any list or tuple of the same items.
    """

    __slots__ = ("_picked", "_seed", "_made")

    def __init__(self, picked: list[tuple[Question | QuestionInfo, CardState | tuple | None]], seed: int) -> None:
        self._picked = picked            # (question, its card: a CardState, a stored row, or None)
        self._seed = seed
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
            item = self._made[index] = ReviewItem(index + 1, ref, card, self._seed)
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
    limit: int | None = None         # at most this many cards this session (-n)
    paced: int | None = None         # new cards a day that --until needs, where that is more than --new


_question_id = attrgetter("id")


def _by_difficulty(q: Question | QuestionInfo) -> tuple[int, str]:
    return q.difficulty, q.id


def _new_left(unseen: int, now: datetime, new_per_day: int, introduced_today: int,
              scheduler: Scheduler | None) -> int:
    """How many new cards today still allows."""
    left = max(0, new_per_day - introduced_today)
    pace = _pace(unseen, now, introduced_today, scheduler)
    if pace is not None:
        left = max(left, pace - introduced_today)
    return left


def _pace(unseen: int, now: datetime, introduced_today: int, scheduler: Scheduler | None) -> int | None:
    """New cards a day that learn every one before the interview date: at
    least (unseen at the start of today) / (days left). None without a date."""
    until = scheduler.until if scheduler is not None else None
    if until is None or now >= until:
        return None
    days_left = max(1, math.ceil((until - start_of_day(now)) / timedelta(days=1)))
    return math.ceil((unseen + introduced_today) / days_left)


def _paced(unseen: int, now: datetime, new_per_day: int, introduced_today: int,
           scheduler: Scheduler | None) -> int | None:
    pace = _pace(unseen, now, introduced_today, scheduler)
    return pace if pace is not None and pace > new_per_day else None


def _pick(due: list, new: list[Question | QuestionInfo], now: datetime, *, seed: int, new_per_day: int,
          introduced_today: int, limit: int | None, scheduler: Scheduler | None) -> Queue:
    """The review queue: the due cards (in order), then new ones up to the daily limit."""
    left = _new_left(len(new), now, new_per_day, introduced_today, scheduler)
    # nsmallest: linear in the bank size, as only `left` new cards are wanted.
    picked = due + [(q, None) for q in heapq.nsmallest(left, new, key=_by_difficulty)]
    if limit:
        picked = picked[:limit]
    return Queue(_Items(picked, seed), len(due), len(new), left, limit or None,
                 _paced(len(new), now, new_per_day, introduced_today, scheduler))


def build_queue(questions: Sequence[Question | QuestionInfo], cards: dict[str, CardState], now: datetime, *,
                seed: int, new_per_day: int = DEFAULT_NEW_PER_DAY, introduced_today: int = 0, cram: bool = False,
                limit: int | None = None, scheduler: Scheduler | None = None,
                known: Collection[str] | None = None) -> Queue:
    """The cards to review, in order.

    `cards` must hold every card due at `now` (all cards, for cram); `known`
    is the set of questions that have a card (default: those in `cards`).
    `questions` may be index entries: a card's full question is built
    (`full()`) when it is shown.
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
                     limit=limit, scheduler=scheduler)
    # Weakest first: never seen, then by predicted recall now.
    sched = scheduler or Scheduler()
    picked: list = [(q, None) for q in sorted(new, key=_by_difficulty)]
    picked += sorted(seen, key=lambda qc: (sched.retrievability(qc[1], now), qc[0].id))
    if limit:
        picked = picked[:limit]
    return Queue(_Items(picked, seed), len(due), len(new),
                 _new_left(len(new), now, new_per_day, introduced_today, scheduler), limit or None,
                 _paced(len(new), now, new_per_day, introduced_today, scheduler))


def load_queue(store: Store, questions: Sequence[Question | QuestionInfo], now: datetime, *, seed: int,
               new_per_day: int = DEFAULT_NEW_PER_DAY, cram: bool = False, limit: int | None = None,
               scheduler: Scheduler | None = None) -> Queue:
    """`build_queue` over what the store holds.

    A review reads the due cards only, in order (the index on due), as rows
    that are parsed when shown, and finds the new questions as a set
    difference: with 20,000 cards and 2,000 due (bench/bench_review.py) the
    first card is on screen without a pass over every card. Cram orders
    everything by predicted recall, so it reads every card.
    """
    introduced = store.introduced_since(start_of_day(now))
    held = store.held_ids(now)          # suspended, or buried until later: not asked
    if held:
        questions = [q for q in questions if q.id not in held]
    if cram:
        return build_queue(questions, store.cards_for(q.id for q in questions), now, seed=seed,
                           new_per_day=new_per_day, introduced_today=introduced, cram=True, limit=limit,
                           scheduler=scheduler)
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
                 scheduler=scheduler)
