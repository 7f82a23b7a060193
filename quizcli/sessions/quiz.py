"""The quiz session: which questions, in which order, and what was answered.

A state machine with no I/O: the UI asks it for the current item, hands it
what the user typed, and renders what it returns. Every answer is reported
the moment it is given, as an `AnswerEvent`, through the `on_answer`
callback, which is where progress is stored.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from operator import attrgetter
from datetime import datetime, timezone
from typing import Any, Callable, NamedTuple, Sequence

from quizcli import answers
from quizcli.model import Question, QuestionType
from quizcli.selection import choice_order


class AnswerEvent(NamedTuple):
    """One answer, as the progress store records it."""

    question_id: str
    at: datetime                 # UTC, when the answer was given
    given: str                   # as typed (for flashcards: the grade typed)
    correct: bool
    grade: int | None            # self-grade 1-4 for flashcards, else None
    seconds: float               # from showing the question to the answer
    mode: str                    # "quiz", later "review"


class Item(NamedTuple):
    """A question as asked: with its choices in the order shown."""

    number: int                  # 1-based position in the session
    question: Question
    order: tuple[int, ...]       # order[i] is the index of the choice shown as letter i

    def shown_choices(self):
        return [self.question.choices[i] for i in self.order]


class Feedback(NamedTuple):
    """What the UI shows after an answer."""

    item: Item
    correct: bool
    given: str
    grade: int | None = None
    picked: tuple[int, ...] = ()   # shown positions picked, for choice questions


@dataclass
class TopicScore:
    asked: int = 0
    correct: int = 0
    skipped: int = 0


class Summary(NamedTuple):
    total: int                              # questions in the session
    answered: int
    correct: int
    skipped: int
    by_topic: dict[str, TopicScore]
    missed: tuple[Question, ...]            # answered wrong (not counting an "I was right")
    skipped_questions: tuple[Question, ...]
    seed: int
    ended_by: str                           # "done", "quit", "eof", "interrupt"

    @property
    def unanswered(self) -> int:
        return self.total - self.answered - self.skipped


Clock = Callable[[], float]
Now = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def draw(questions: Sequence[Question], seed: int, count: int | None) -> list[Question]:
    """The questions a seed asks, in the order asked: `count` of them (None
    or 0: all), drawn from the candidates in id order, so that the same seed
    and selection ask the same quiz whatever order the banks were read in.

    The first `count` steps of a Fisher-Yates shuffle: the nth question a
    seed asks is the same whatever the count (`-n 5` asks the first five of
    `-n 10`, and the summary's replay line holds for any count), and only
    `count` random draws are made (shuffling all 100,000 candidates cost 35
    ms of the first question's wait).
    """
    pool = sorted(questions, key=attrgetter("id"))    # select() gives id order already: a linear pass
    rng = random.Random(seed)
    n = len(pool)
    k = min(count, n) if count else n
    for i in range(k):
        j = rng.randrange(i, n)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


class _Items(Sequence[Item]):
    """The session's items, each built when first reached.

    The quiz draws from the bank index's entries (a full Question is its
    own full()); building one reads its bank's cached data, so building
    them all up front made the first question wait for every bank the
    quiz touches. A question gone from its bank since the index was read
    (the bank edited during the session) is dropped from the session.
    """

    def __init__(self, drawn: list[Question], seed: int) -> None:
        self._drawn = drawn
        self._built: list[Item] = []
        self._seed = seed

    def _build_to(self, i: int) -> None:
        while len(self._built) <= i and len(self._built) < len(self._drawn):
            n = len(self._built)
            try:
                q = self._drawn[n].full()
            except KeyError:
                del self._drawn[n]
                continue
            self._built.append(Item(n + 1, q, choice_order(q, self._seed)))

    def __len__(self) -> int:
        return len(self._drawn)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        self._build_to(i)
        if not 0 <= i < len(self._built):
            raise IndexError(i)
        return self._built[i]


@dataclass
class QuizSession:
    """Ask `questions` in a seeded order; record answers; report each one."""

    questions: Sequence[Question]                      # or the bank index's entries (each builds its full() one)
    seed: int
    count: int | None = None                           # None or 0: all
    mode: str = "quiz"
    # Stores an answer; may return its id, which `on_override` is given.
    on_answer: Callable[[AnswerEvent], Any] | None = None
    on_override: Callable[[str], None] | None = None
    on_skip: Callable[[str, datetime], None] | None = None    # question id, when
    # Flags (`*`, as in review): the ids flagged when the session starts, and
    # where a change is stored (question id, flagged or not, when).
    flagged: set[str] = field(default_factory=set)
    on_flag: Callable[[str, bool, datetime], None] | None = None
    clock: Clock = time.monotonic
    now: Now = _utcnow
    items: Sequence[Item] = field(init=False)
    _pos: int = field(init=False, default=0)
    _shown_at: float | None = field(init=False, default=None)
    _results: list[tuple[Item, str]] = field(init=False, default_factory=list)  # (item, "right"|"wrong"|"skipped")
    _ended_by: str | None = field(init=False, default=None)
    _last_uid: Any = field(init=False, default=None)       # what on_answer returned for the last answer
    _can_override: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.items = _Items(draw(self.questions, self.seed, self.count), self.seed)

    # -- where we are

    @property
    def current(self) -> Item | None:
        if self._ended_by is not None:
            return None
        try:
            return self.items[self._pos]
        except IndexError:      # asked them all (or the last ones left their banks)
            return None

    @property
    def finished(self) -> bool:
        return self.current is None

    def show(self) -> Item:
        """Mark the current item as shown now (starts its timer) and return it."""
        item = self._require()
        self._shown_at = self.clock()
        return item

    # -- what the user does

    def answer(self, raw: str) -> Feedback:
        """Check an answer to the current (non-flashcard) question.

        Raises answers.InvalidAnswer, leaving the session where it was, when
        `raw` is not an answer of the right shape.
        """
        item = self._require()
        checked = answers.check(item.question, raw, item.order)
        picked = ()
        if item.question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            picked = answers.parse_choices(raw, len(item.order), item.question.type is QuestionType.MULTIPLE_CHOICE)
        return self._record(item, raw, checked.correct, None, picked)

    def grade(self, raw: str) -> Feedback:
        """Record the user's self-grade for the current flashcard."""
        item = self._require()
        if not item.question.type.self_graded:
            raise ValueError("only flashcards are self-graded")
        grade = answers.parse_grade(raw)
        return self._record(item, raw, answers.grade_is_correct(grade), grade, ())

    def override(self) -> Feedback:
        """ "I was right": the last answer, auto-graded wrong, counts as right,
        and is stored as overridden. Only right after that answer."""
        if not self._can_override:
            raise ValueError("only the last answer, auto-graded wrong, can be overridden")
        item, _ = self._results[-1]
        self._results[-1] = (item, "right")
        self._can_override = False
        if self.on_override is not None and self._last_uid is not None:
            self.on_override(self._last_uid)
        return Feedback(item, True, "", None)

    @property
    def can_override(self) -> bool:
        return self._can_override

    def skip(self) -> None:
        item = self._require()
        self._results.append((item, "skipped"))
        self._can_override = False
        self._advance()
        if self.on_skip is not None:
            self.on_skip(item.question.id, self.now())

    def flag(self) -> bool:
        """Flag the current question (or take its flag away); it stays the current one."""
        qid = self._require().question.id
        on = qid not in self.flagged
        if self.on_flag is not None:
            self.on_flag(qid, on, self.now())
        self.flagged ^= {qid}
        return on

    def is_flagged(self, question_id: str) -> bool:
        return question_id in self.flagged

    def end(self, how: str) -> None:
        """Stop early: "quit", "eof" or "interrupt"."""
        if self._ended_by is None:
            self._ended_by = how

    # -- results

    def summary(self) -> Summary:
        by_topic: dict[str, TopicScore] = {}
        for item, outcome in self._results:
            score = by_topic.setdefault(item.question.bank_id, TopicScore())
            if outcome == "skipped":
                score.skipped += 1
            else:
                score.asked += 1
                score.correct += outcome == "right"
        answered = sum(1 for _, o in self._results if o != "skipped")
        return Summary(
            total=len(self.items),
            answered=answered,
            correct=sum(1 for _, o in self._results if o == "right"),
            skipped=sum(1 for _, o in self._results if o == "skipped"),
            by_topic=dict(sorted(by_topic.items())),
            missed=tuple(i.question for i, o in self._results if o == "wrong"),
            skipped_questions=tuple(i.question for i, o in self._results if o == "skipped"),
            seed=self.seed,
            ended_by=self._ended_by or ("done" if self._pos >= len(self.items) else "quit"),
        )

    # -- internals

    def _require(self) -> Item:
        item = self.current
        if item is None:
            raise RuntimeError("the session has no current question")
        return item

    def _record(self, item: Item, raw: str, correct: bool, grade: int | None, picked: tuple[int, ...]) -> Feedback:
        started = self._shown_at if self._shown_at is not None else self.clock()
        event = AnswerEvent(
            question_id=item.question.id, at=self.now(), given=raw, correct=correct, grade=grade,
            seconds=max(0.0, self.clock() - started), mode=self.mode,
        )
        self._results.append((item, "right" if correct else "wrong"))
        self._advance()
        self._last_uid = self.on_answer(event) if self.on_answer is not None else None
        self._can_override = not correct and grade is None
        return Feedback(item, correct, raw, grade, picked)

    def _advance(self) -> None:
        self._pos += 1
        self._shown_at = None
