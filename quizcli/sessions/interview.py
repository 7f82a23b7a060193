"""The mock interview (#17): open questions, key points, follow-ups. Never prints.

The UI asks for the current question (`show`, which starts its clock),
hands over the typed answer (`submit`: the matcher marks the key points it
covers) and then the points the candidate confirmed (`confirm`). Only a
confirmed answer is an answer: it is written to the store at once, with the
text, the points as marked and as confirmed, the time taken and the
language, and its rating moves the question's card in the review schedule:

    every point covered -> Good;  at least half -> Hard;  fewer -> Again.

Which question comes next: a follow-up of the one just answered when it has
one that applies (a missed point's follow-up first, then a covered point's,
then one without a condition), up to MAX_DEPTH deep; otherwise the next main
question. Main questions are the open questions that match the filters,
those that are nobody's follow-up first (an interviewer starts broad), one
topic after another so that topics mix, shuffled by the seed. The plan holds
about one main question per MINUTES_PER_QUESTION of the budget, and no new
question starts once the budget is spent.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Sequence

from quizcli import matching
from quizcli.model import Question, QuestionType
from quizcli.sessions.quiz import AnswerEvent

if TYPE_CHECKING:
    from quizcli.scheduler import CardState, Scheduler
    from quizcli.store import Store
    from quizcli.sessions.interview_report import InterviewReport

DEFAULT_MINUTES = 20
MINUTES_PER_QUESTION = 4.0     # a main question with its follow-ups, as a plan
MAX_DEPTH = 3                  # follow-ups below one main question
AGAIN, HARD, GOOD = 1, 2, 3    # FSRS ratings (quizcli.scheduler), without importing fsrs here


def rating_for(covered: int, total: int) -> int:
    """All points covered is Good, most (at least half) Hard, fewer Again."""
    if total and covered >= total:
        return GOOD
    if total and 2 * covered >= total:
        return HARD
    return AGAIN


class Asked(NamedTuple):
    """A question as it is put to the candidate."""

    number: int                    # 1-based, in the order asked
    question: Question
    depth: int                     # 0: a main question; 1..: a follow-up
    follow_up_of: str | None       # the question whose answer led here
    planned: int                   # main questions planned (for "3 of 5")


class Marked(NamedTuple):
    """A typed answer with the matcher's marks, waiting for the candidate's word."""

    asked: Asked
    text: str
    seconds: float
    matches: tuple[matching.PointMatch, ...]   # in the question's key-point order

    @property
    def auto(self) -> frozenset[str]:
        return frozenset(m.id for m in self.matches if m.covered)


class Confirmed(NamedTuple):
    """One confirmed answer: what the store records and the report reads."""

    interview: str
    asked: Asked
    at: datetime
    lang: str
    text: str
    seconds: float
    point_ids: tuple[str, ...]
    auto: frozenset[str]           # marked by the matcher
    covered: frozenset[str]        # as the candidate confirmed
    rating: int
    next_id: str | None            # the follow-up this answer leads to, if any

    @property
    def follow_up_of(self) -> str | None:
        return self.asked.follow_up_of

    @property
    def question_id(self) -> str:
        return self.asked.question.id

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(p for p in self.point_ids if p not in self.covered)


def plan(questions: Sequence[Question], seed: int, minutes: float) -> list[Question]:
    """The main questions, topics mixed, about one per MINUTES_PER_QUESTION."""
    open_qs = [q for q in questions if q.type is QuestionType.OPEN]
    followed = {f.id for q in open_qs for f in q.follow_ups}
    rng = random.Random(seed)
    by_topic: dict[str, list[Question]] = {}
    for q in sorted(open_qs, key=lambda q: q.id):
        by_topic.setdefault(q.bank_id, []).append(q)
    for qs in by_topic.values():
        rng.shuffle(qs)
        qs.sort(key=lambda q: q.id in followed)        # stable: broad questions first, still shuffled
    topics = sorted(by_topic)
    rng.shuffle(topics)
    order: list[Question] = []
    while any(by_topic.values()):
        for t in topics:
            if by_topic[t]:
                order.append(by_topic[t].pop(0))
    wanted = max(1, round(minutes / MINUTES_PER_QUESTION))
    return order[:wanted]


def next_follow_up(q: Question, covered: Iterable[str], asked: set[str],
                   resolve: Callable[[str], Question | None]) -> Question | None:
    """The follow-up an interviewer would ask after this answer, if any."""
    covered = set(covered)
    ranked = ([f for f in q.follow_ups if f.when == "missed" and f.point not in covered]
              + [f for f in q.follow_ups if f.when == "covered" and f.point in covered]
              + [f for f in q.follow_ups if f.when is None])
    for f in ranked:
        if f.id in asked:
            continue
        target = resolve(f.id)
        if target is not None and target.type is QuestionType.OPEN:
            return target
    return None


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class InterviewSession:
    """One interview. `store` and `scheduler` as in quizcli.review.ReviewSession."""

    questions: Sequence[Question]            # the main questions, in order (see `plan`)
    store: Store
    scheduler: Scheduler
    resolve: Callable[[str], Question | None]   # any question by id (follow-ups may be in any bank)
    lang: str = "en"
    minutes: float = DEFAULT_MINUTES
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = _utcnow
    interview: str = field(default_factory=lambda: uuid.uuid4().hex)
    _main: list[Question] = field(init=False)
    _pending: Asked | None = field(default=None, init=False)
    _follow: tuple[Question, int, str] | None = field(default=None, init=False)
    _asked_ids: set[str] = field(default_factory=set, init=False)
    _started: float | None = field(default=None, init=False)
    _shown_at: float | None = field(default=None, init=False)
    _marked: Marked | None = field(default=None, init=False)
    _number: int = field(default=0, init=False)
    results: list[Confirmed] = field(default_factory=list, init=False)
    skipped: list[Asked] = field(default_factory=list, init=False)
    ended_by: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._main = list(self.questions)

    # -- state

    @property
    def planned(self) -> int:
        return len(self.questions)

    @property
    def elapsed(self) -> float:
        return 0.0 if self._started is None else self.clock() - self._started

    @property
    def over_time(self) -> bool:
        return self.elapsed >= self.minutes * 60

    @property
    def finished(self) -> bool:
        if self.ended_by is not None:
            return True
        if self._pending is not None:
            return False
        return self.over_time or (self._follow is None and not self._next_main())

    @property
    def next_is_follow_up(self) -> bool:
        return self._follow is not None

    def _next_main(self) -> Question | None:
        while self._main and self._main[0].id in self._asked_ids:
            self._main.pop(0)
        return self._main[0] if self._main else None

    # -- the steps

    def show(self) -> Asked:
        """The current question; its clock starts now (the first time it is shown)."""
        if self._pending is not None:
            return self._pending
        if self.finished:
            raise RuntimeError("the interview is over")
        if self._started is None:
            self._started = self.clock()
        if self._follow is not None:
            q, depth, parent = self._follow
            self._follow = None
            asked = Asked(self._number + 1, q, depth, parent, self.planned)
        else:
            q = self._next_main()
            assert q is not None
            self._main.pop(0)
            asked = Asked(self._number + 1, q, 0, None, self.planned)
        self._number += 1
        self._asked_ids.add(q.id)
        self._pending = asked
        self._shown_at = self.clock()
        self._marked = None
        return asked

    def submit(self, text: str) -> Marked:
        """The typed answer: the time it took, and the points the matcher finds."""
        asked = self._require()
        if self._marked is None:
            seconds = max(0.0, self.clock() - (self._shown_at or self.clock()))
            self._marked = Marked(asked, text, seconds,
                                  matching.match(text, asked.question.key_points))
        return self._marked

    def confirm(self, covered: Iterable[str]) -> Confirmed:
        """The candidate's final word on the points: recorded and scheduled now."""
        asked = self._require()
        if self._marked is None:
            raise RuntimeError("submit the answer before confirming its points")
        q = asked.question
        ids = tuple(p.id for p in q.key_points)
        covered_set = frozenset(covered)
        unknown = covered_set - set(ids)
        if unknown:
            raise ValueError(f"not key points of {q.id}: {', '.join(sorted(unknown))}")
        rating = rating_for(len(covered_set), len(ids))
        at = self.now()
        marked = self._marked
        follow = None
        if asked.depth < MAX_DEPTH:
            follow = next_follow_up(q, covered_set, self._asked_ids, self.resolve)
        result = Confirmed(self.interview, asked, at, self.lang, marked.text, marked.seconds, ids, marked.auto,
                           covered_set, rating, follow.id if follow else None)
        event = AnswerEvent(q.id, at, marked.text, rating == GOOD, None, marked.seconds, "interview")
        from quizcli.store import interview as interview_store

        before: CardState | None = self.store.card(q.id)
        after, _log = self.scheduler.review(before, rating, at, marked.seconds)
        interview_store.record(self.store, event, result, rating, before, after)
        self.results.append(result)
        self._pending = None
        self._marked = None
        if follow is not None:
            self._follow = (follow, asked.depth + 1, q.id)
        return result

    def skip(self) -> None:
        """Pass on the current question: nothing is recorded, no follow-up."""
        asked = self._require()
        self.skipped.append(asked)
        self._pending = None
        self._marked = None

    def end(self, how: str) -> None:
        """Stop early: "quit", "eof" or "interrupt". An unconfirmed answer is not recorded."""
        self.ended_by = how
        self._pending = None

    def _require(self) -> Asked:
        if self._pending is None:
            raise RuntimeError("no question is being asked")
        return self._pending

    def report(self, history: Sequence[tuple] = ()) -> InterviewReport:
        """The report; `history` is store.interview.answers() rows, for the weakest points."""
        from quizcli.sessions.interview_report import build_report

        return build_report(self.results, self.skipped, self.ended_by or "done", history)
