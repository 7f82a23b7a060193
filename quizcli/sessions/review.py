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

import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Sequence

from quizcli import answers
from quizcli.clock import Now, start_of_day
from quizcli.model import Question, QuestionType
from quizcli.scheduler import AGAIN, EASY, GOOD, HARD, LEARNING, RELEARNING, CardState, Scheduler
from quizcli.sessions.forecast import TopicForecast, forecast_recall
from quizcli.sessions.queue import Queue, ReviewItem, _question_id
from quizcli.sessions.review_records import Rated, ReviewSummary, _Done, _Place
from quizcli.store import Store, card_from_row

if TYPE_CHECKING:
    from quizcli.bank.index import QuestionInfo
    from quizcli.sessions.practice import PracticeSession

# quizcli.sessions.quiz is imported where it is used, as the first card is
# shown (its dataclasses cost about a millisecond to make).

# Learning steps within a session, as Anki does: a card left in a short
# (re)learning step is shown again once that step is due, or up to this much
# early when nothing else is left to review.
LEARN_AHEAD = timedelta(minutes=20)
SHORT_STEP = timedelta(days=1)   # steps shorter than this come back in the session
LEECH_LAPSES = 8                 # a card forgotten this often is suspended: rewrite it in your own words

__all__ = ["Rated", "ReviewSession", "ReviewSummary", "LEARN_AHEAD", "LEECH_LAPSES"]


# --------------------------------------------------------------------------
# The session


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
        self._by_id: dict[str, Question | QuestionInfo] | None = None
        self._flagged: set[str] | None = None
        self._place = self._next(0, (), 0)

    # -- where we are

    @property
    def current(self) -> ReviewItem | None:
        if self._ended_by is not None:
            return None
        self._refresh()
        return self._place.current

    def _refresh(self) -> None:
        """Decide again where the last decision was only for lack of anything
        due (a learning step taken early, or the end): time has passed since,
        and a card may have fallen due."""
        place = self._place
        cur = place.current
        if cur is not None and not (place.from_learning and _due(cur) > self.now()):
            return
        fresh = self._next(place.pos, place.learning, place.skipped, place.caught_up, place.handled)
        if fresh.current is cur:
            return
        if self._done and self._done[-1].after is place:
            self._done[-1].after = fresh        # the last rating may still be changed
        self._place = fresh

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def total(self) -> int:
        """Cards in the session so far: the queue, and those that fell due since it was made."""
        return len(self.items) + self._place.caught_up

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
        if (self.cram or not done.correct or done.event.grade is not None or done.event.mode == "practice"
                or rating not in (HARD, GOOD, EASY)):
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
                     again_in_session=again, interval=log.interval)

    def override(self) -> Rated:
        """"I was right": the last answer, auto-graded wrong, counts as right
        (rated good), recorded as overridden in the log and the schedule; only
        before the next card is answered or skipped."""
        if not self._done:
            raise ValueError("nothing to override")
        done = self._done[-1]
        if done.correct or done.event.grade is not None or done.event.mode == "practice":
            raise ValueError("only a wrong auto-graded answer can be overridden")
        if done.after is not self._place:
            raise ValueError("an answer can only be overridden before the next card")
        done.correct = True
        done.overridden = True
        if self.cram:
            self.store.override(done.uid)
            return Rated(done.item, True, done.event.given, None, overridden=True)
        after, log = self.scheduler.review(done.item.card, GOOD, done.at)
        self.store.override(done.uid, GOOD, after)
        if done.leech:                  # it was no lapse after all
            self.store.hold(done.item.question.id, suspended=0, at=self.now())
            done.leech = False
        done.rating = GOOD
        again = self._leave(done.place, done.item, after)
        done.after = self._place
        adjustable = {r: self.scheduler.review(done.item.card, r, done.at)[1].interval for r in (HARD, GOOD, EASY)}
        return Rated(done.item, True, done.event.given, GOOD, due=after.due, capped=log.capped,
                     adjustable=adjustable, again_in_session=again, interval=log.interval, overridden=True)

    def suspend(self) -> None:
        """Take the current card out of review until `quizcli progress unsuspend ID`."""
        item = self._require()
        self.store.hold(item.question.id, suspended=1, at=self.now())
        self._drop_current()

    def bury(self) -> datetime:
        """Leave the current card until tomorrow (the start of the next local day)."""
        item = self._require()
        until = start_of_day(self.now()) + timedelta(days=1)
        until = start_of_day(until + timedelta(hours=3))   # a day of 23 or 25 hours
        self.store.hold(item.question.id, buried_until=until, at=self.now())
        self._drop_current()
        return until

    def flag(self) -> bool:
        """Flag the current card (or take its flag away); it stays the current card."""
        qid = self._require().question.id
        flagged = not self.flagged(qid)
        self.store.hold(qid, flagged=flagged, at=self.now())
        self._flagged = (self._flagged or set()) ^ {qid}
        return flagged

    def flagged(self, question_id: str) -> bool:
        """Whether a card is flagged (read from the store once a session)."""
        if self._flagged is None:
            self._flagged = self.store.flagged_ids()
        return question_id in self._flagged

    def practice(self, **kw: object) -> PracticeSession:
        """The practice flow for the current code card (`p`); hand it to `practised` when it ends."""
        from quizcli.sessions.practice import PracticeSession

        return PracticeSession(self._require().question, self.store, self.scheduler, self.now, **kw)  # type: ignore[arg-type]

    def practised(self, practice: PracticeSession) -> bool:
        """Move on after the practice flow: a graded attempt rated the card (it
        counts as reviewed, and `u` undoes it); one with nothing graded is a skip."""
        attempt, item = practice.recorded, self._require()
        if attempt is None or practice.uid is None:
            self.skip()
            return False
        place = self._place
        done = _Done(place, practice.uid, item, attempt.correct, attempt.rating, attempt.at, attempt)  # type: ignore[arg-type]
        self._leave(place, item, self.store.card(item.question.id))
        done.after = self._place
        self._done.append(done)
        return True

    def _drop_current(self) -> None:
        place = self._place
        pos, learning = self._without_current(place)
        item = place.current
        assert item is not None
        self._place = self._next(pos, learning, place.skipped, place.caught_up, place.handled | {item.question.id})
        self._shown_at = None

    def skip(self) -> None:
        """Leave the current card for another session (a learning card too)."""
        item = self._require()
        place = self._place
        pos, learning = self._without_current(place)
        self.store.record_skip(item.question.id, self.now())
        self._place = self._next(pos, learning, place.skipped + 1, place.caught_up,
                                 place.handled | {item.question.id})
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
        if done.leech:
            self.store.hold(done.item.question.id, suspended=0, at=self.now())
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

    def _next(self, pos: int, learning: tuple[ReviewItem, ...], skipped: int, caught_up: int = 0,
              handled: frozenset = frozenset()) -> _Place:
        """Pick the next card: a learning step that is due, else the queue,
        else a card of the store that fell due since the queue was made,
        else a learning step due within the learn-ahead limit."""
        now = self.now()
        if learning and _due(learning[0]) <= now:
            return _Place(pos, learning, skipped, learning[0], True, caught_up, False, handled)
        if pos < len(self.items):
            return _Place(pos, learning, skipped, self.items[pos], False, caught_up, False, handled)
        fallen = self._fallen_due(now, len(self.items) + caught_up + 1, handled)
        if fallen is not None:
            return _Place(pos, learning, skipped, fallen, False, caught_up + 1, True, handled)
        if learning and _due(learning[0]) <= now + self.learn_ahead:
            return _Place(pos, learning, skipped, learning[0], True, caught_up, False, handled)
        return _Place(pos, learning, skipped, None, False, caught_up, False, handled)

    def _fallen_due(self, now: datetime, number: int, handled: frozenset) -> ReviewItem | None:
        """The most overdue card of the store, matching this session's
        questions, that the session has not rated or skipped: one that fell
        due after the queue was made, rated in an earlier session (a learning
        step left when it ended, or a review that came due)."""
        if self.cram:
            return None
        limit = self.queue.limit
        if limit is not None and number > limit:
            return None          # -n: no more cards than asked for
        if self._by_id is None:
            self._by_id = {q.id: q for q in self.questions}
        by_id = self._by_id
        for row in self.store.due_card_rows(now):
            qid = row[0]
            ref = by_id.get(qid)
            if ref is not None and qid not in handled:
                items = self.items
                seed = getattr(items, "_seed", items[0].seed if items else 0)
                return ReviewItem(number, ref, card_from_row(row), seed)
        return None

    @staticmethod
    def _without_current(place: _Place) -> tuple[int, tuple[ReviewItem, ...]]:
        if place.from_learning:
            return place.pos, place.learning[1:]
        if place.catching_up:
            return place.pos, place.learning
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
        self._place = self._next(pos, learning, place.skipped, place.caught_up,
                                 place.handled | {item.question.id})
        self._shown_at = None
        return again

    def _record(self, item: ReviewItem, raw: str, correct: bool, grade: int | None, rating: int,
                picked: tuple[int, ...]) -> Rated:
        started = self._shown_at if self._shown_at is not None else self.clock()
        at = self.now()
        from quizcli.sessions.quiz import AnswerEvent

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
            before_lapses = item.card.lapses if item.card is not None else 0
            if after.lapses >= LEECH_LAPSES > before_lapses:
                # A leech, as Anki calls it: forgotten 8 times, it is suspended.
                self.store.hold(item.question.id, suspended=2, at=at)
                done.leech = True
                pos, learning = self._without_current(place)
                self._place = self._next(pos, learning, place.skipped, place.caught_up,
                                         place.handled | {item.question.id})
                self._shown_at = None
                again = False
            else:
                again = self._leave(place, item, after)
            result = Rated(item, correct, raw, rating, picked, after.due, log.capped, adjustable, grade, again,
                           log.interval, done.leech)
        done.after = self._place
        self._done.append(done)
        return result


def _due(item: ReviewItem) -> datetime:
    assert item.card is not None      # only rated cards are in the learning list
    return item.card.due

