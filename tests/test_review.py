"""The review session (quizcli.sessions.review) with a fixed clock and a real store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from quizcli import answers
from quizcli.bank import load_library
from quizcli.model import QuestionType
from quizcli.clock import now_from_env, parse_until
from quizcli.scheduler import AGAIN, EASY, GOOD, HARD, LEARNING, RELEARNING, REVIEW, Scheduler
from quizcli.selection import choice_order
from quizcli.sessions.forecast import forecast_recall
from quizcli.sessions.queue import load_queue
from quizcli.sessions.review import ReviewSession
from quizcli.sessions.settings import scheduler_from_settings
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
    with open_store(tmp_path / "p.db") as st:
        yield st


def wrong_answer(q) -> str:
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        order = choice_order(q, SEED)
        return next(answers.LETTERS[pos] for pos, i in enumerate(order) if not q.choices[i].correct)
    return {QuestionType.TRUE_FALSE: "f" if q.answer_bool else "t",
            QuestionType.NUMERIC: "1", QuestionType.SHORT_ANSWER: "layer norm"}[q.type]


def session(library, store, clock, *, cram=False, new=20, sched=None, topic="rv", steps=False):
    """A review session; `steps=False` turns off learning steps within the
    session, for tests that look at one pass over the queue."""
    sched = sched or Scheduler()
    questions = [q for q in library.questions if q.bank_id == topic]
    now = clock()
    queue = load_queue(store, questions, now, seed=SEED, new_per_day=new, cram=cram, scheduler=sched)
    return ReviewSession(queue, store, sched, questions=questions, cram=cram, now=clock, learning_steps=steps)


def play(s: ReviewSession, right: bool = True, limit: int = 100) -> list:
    out = []
    while not s.finished:
        assert len(out) < limit, "the session does not end"
        item = s.show()
        q = item.question
        if q.type is QuestionType.FLASHCARD:
            out.append(s.grade("3" if right else "1"))
        else:
            out.append(s.answer(right_answer(q) if right else wrong_answer(q)))
    return out


def test_new_cards_in_difficulty_order_then_due_first(library, store):
    clock = Clock(T0)
    s = session(library, store, clock)
    assert [i.question.id for i in s.items] == ["rv-card", "rv-single", "rv-tf", "rv-num", "rv-short", "rv-multi"]
    assert all(i.card is None for i in s.items)
    rated = play(s)
    assert [r.rating for r in rated] == [GOOD] * 6
    assert s.summary().reviewed == 6 and s.summary().correct == 6 and s.summary().new == 6
    # Ten minutes later everything is due again (learning step); nothing new is left.
    clock.at = T0 + timedelta(minutes=11)
    s2 = session(library, store, clock)
    assert len(s2.items) == 6 and all(i.card is not None for i in s2.items)
    assert s2.queue.due == 6 and s2.queue.new_available == 0


def test_daily_new_limit_counts_across_sessions(library, store):
    clock = Clock(T0)
    s = session(library, store, clock, new=4)
    assert len(s.items) == 4
    play(s)
    s = session(library, store, clock, new=4)
    assert s.items == [] and s.queue.new_available == 2 and s.queue.new_today_left == 0
    clock.at = T0 + timedelta(days=1)           # a new day: due cards first, then the rest of the new ones
    s = session(library, store, clock, new=4)
    ids = [i.question.id for i in s.items]
    # Due ones by due date (all the same here), then by id.
    assert ids[:4] == ["rv-card", "rv-num", "rv-single", "rv-tf"] and ids[4:] == ["rv-short", "rv-multi"]


def test_every_type_wrong_is_again_right_is_good(library, store):
    s = session(library, store, Clock(T0))
    rated = play(s, right=False)
    assert [r.rating for r in rated] == [AGAIN] * 6 and not any(r.correct for r in rated)
    log = store.query("SELECT question_id, correct, rating, mode, given FROM answers ORDER BY id")
    assert [r[2] for r in log] == [AGAIN] * 6 and {r[3] for r in log} == {"review"}
    assert s.summary().again == 6


def test_adjust_raises_good_to_easy_and_lowers_to_hard(library, store):
    clock = Clock(T0)
    s = session(library, store, clock)
    s.show()
    s.grade("3")                                   # the flashcard
    s.show()
    q = s.current.question
    rated = s.answer(right_answer(q))
    assert set(rated.adjustable) == {HARD, GOOD, EASY}
    assert rated.adjustable[HARD] < rated.adjustable[GOOD] < rated.adjustable[EASY]
    easy = s.adjust(EASY)
    assert store.card(q.id).due == easy.due == T0 + rated.adjustable[EASY]
    hard = s.adjust(HARD)
    assert store.card(q.id).due == T0 + rated.adjustable[HARD] == hard.due
    assert store.query("SELECT rating FROM answers WHERE question_id = ?", (q.id,)) == [(HARD,)]
    with pytest.raises(ValueError):
        s.adjust(AGAIN)


def test_a_wrong_answer_cannot_be_adjusted(library, store):
    s = session(library, store, Clock(T0))
    s.show()
    s.grade("3")
    s.show()
    rated = s.answer(wrong_answer(s.current.question))
    assert rated.adjustable == {}
    with pytest.raises(ValueError):
        s.adjust(GOOD)


def test_invalid_input_changes_nothing(library, store):
    s = session(library, store, Clock(T0))
    s.show()
    s.grade("3")
    s.show()
    with pytest.raises(answers.InvalidAnswer):
        s.answer("z")
    assert store.count_answers() == 1 and s.current.question.id == "rv-single"


def test_undo_restores_schedule_and_asks_again(library, store):
    clock = Clock(T0)
    play(session(library, store, clock))
    clock.at = T0 + timedelta(minutes=11)
    before = store.cards()
    n = store.count_answers()
    s = session(library, store, clock)
    first = s.show()
    s.grade("4")
    assert store.card(first.question.id) != before[first.question.id]
    undone = s.undo()
    assert undone.question.id == first.question.id and s.current.question.id == first.question.id
    assert store.cards() == before and store.count_answers() == n
    assert s.undo() is None


def test_skip_then_undo_goes_back_to_the_rated_card(library, store):
    s = session(library, store, Clock(T0))
    s.show()
    s.grade("2")
    s.show()
    s.skip()
    assert s.summary().skipped == 1
    s.undo()
    assert s.current.question.id == "rv-card" and s.summary().skipped == 0 and s.summary().reviewed == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["1", "2", "3", "4"]), min_size=1, max_size=6), st.integers(1, 6))
def test_undo_restores_state_exactly(library, tmp_path_factory, grades, undos):
    with open_store(tmp_path_factory.mktemp("u") / "p.db") as st_:
        clock = Clock(T0)
        sched = Scheduler()
        # Some history first, so undo has real cards to restore.
        play(session(library, st_, clock, topic="rw", sched=sched))
        clock.at = T0 + timedelta(days=3)
        snapshots = []
        s = session(library, st_, clock, topic="rw", sched=sched)
        for g in grades:
            if s.finished:
                break
            snapshots.append((st_.cards(), st_.count_answers(), s.current.question.id))
            s.show()
            s.grade(g)
        for cards, count, qid in reversed(snapshots[-undos:]):
            s.undo()
            assert st_.cards() == cards and st_.count_answers() == count and s.current.question.id == qid


def test_cram_logs_but_never_touches_the_schedule(library, store):
    clock = Clock(T0)
    play(session(library, store, clock))
    cards = store.cards()
    s = session(library, store, clock, cram=True)
    assert len(s.items) == 6                       # anything, due or not
    rated = play(s, right=False)
    assert all(r.rating is None for r in rated)
    assert store.cards() == cards
    assert store.query("SELECT count(*) FROM answers WHERE mode = 'cram' AND rating IS NULL") == [(6,)]
    assert s.intervals() == {} if not s.finished else True
    s.undo()
    assert store.query("SELECT count(*) FROM answers WHERE mode = 'cram'") == [(5,)]
    assert s.summary().cram


def test_cram_orders_weakest_first(library, store):
    clock = Clock(T0)
    s = session(library, store, clock)
    s.show()
    s.grade("4")                # rv-card: easy, strong
    s.show()
    s.answer(wrong_answer(s.current.question))    # rv-single: again, weak
    s.end("quit")
    clock.at = T0 + timedelta(days=2)
    ids = [i.question.id for i in session(library, store, clock, cram=True).items]
    assert ids[:4] == ["rv-tf", "rv-num", "rv-short", "rv-multi"]   # never seen
    assert ids[4:] == ["rv-single", "rv-card"]


def test_flashcard_intervals_preview(library, store):
    s = session(library, store, Clock(T0))
    s.show()
    iv = s.intervals()
    assert iv[AGAIN] < iv[HARD] < iv[GOOD] < iv[EASY]
    rated = s.grade("4")
    assert rated.due == T0 + iv[EASY]


def test_summary_next_due(library, store):
    clock = Clock(T0)
    s = session(library, store, clock)
    play(s)
    summary = s.summary()
    assert summary.next_due == T0 + timedelta(minutes=10) and summary.due_left == 0
    assert summary.ended_by == "done"


# --------------------------------------------------------------------------
# The interview date


def test_until_paces_new_cards_to_learn_all_before_the_date(library, store):
    clock = Clock(T0)
    until = parse_until("2026-11-28", T0)           # today, tomorrow and the 28th
    sched = Scheduler(until=until)
    s = session(library, store, clock, new=1, sched=sched)
    assert len(s.items) == 2                        # ceil(6 / 3 days), above --new 1


def test_until_forecast_and_capped_review(library, store):
    clock = Clock(T0)
    plain = Scheduler()
    # Learn rv-card with plain FSRS: good on every due date, until it is in review.
    for _ in range(3):
        s = session(library, store, clock, sched=plain, new=1)
        assert s.items[0].question.id == "rv-card"
        s.show()
        s.grade("3")
        s.end("quit")
        clock.at = store.card("rv-card").due
    card = store.card("rv-card")
    free, _ = plain.review(card, GOOD, clock.at)
    # An interview before the free due date, late enough that recall on it would be < 95%.
    day = (clock.at + (free.due - clock.at) * 0.8).date().isoformat()
    sched = Scheduler(until=parse_until(day, clock.at))
    assert sched.retrievability(free, sched.until) < 0.95
    s = session(library, store, clock, sched=sched, new=0)
    s.show()
    rated = s.grade("3")
    assert rated.capped and clock.at < rated.due < sched.until
    card = store.card("rv-card")
    assert card.stability == free.stability          # FSRS's memory state; only the date moved
    forecast = {f.topic: f for f in s.summary().forecast}
    assert forecast["rv"].cards == 6 and forecast["rv"].seen == 1
    assert forecast["rv"].recall == pytest.approx(sched.retrievability(card, sched.until) / 6)
    # Passing that review holds the target on the day.
    clock.at = card.due
    s = session(library, store, clock, sched=sched, new=0)
    s.show()
    assert not s.grade("3").capped
    assert store.card("rv-card").due > sched.until
    assert sched.retrievability(store.card("rv-card"), sched.until) >= 0.95


def test_forecast_counts_unseen_as_zero(library):
    sched = Scheduler(until=T0 + timedelta(days=5))
    f = forecast_recall(library.questions, {}, sched)
    assert [(x.topic, x.cards, x.seen, x.recall) for x in f] == [("rv", 6, 0, 0.0), ("rw", 2, 0, 0.0)]


def test_parse_until_is_end_of_local_day():
    assert parse_until("2026-12-01", T0) == datetime(2026, 12, 2, tzinfo=timezone.utc)
    from quizcli.errors import QuizcliError

    with pytest.raises(QuizcliError, match="not a date"):
        parse_until("next week", T0)


def test_settings_are_remembered(store):
    s = scheduler_from_settings(store, T0, retention=0.85, until="2026-12-24", target=0.97)
    again = scheduler_from_settings(store, T0)
    assert (again.desired_retention, again.until, again.target) == (0.85, s.until, 0.97)
    off = scheduler_from_settings(store, T0, until="off")
    assert off.until is None


def test_now_from_env(monkeypatch):
    monkeypatch.setenv("QUIZCLI_NOW", "2026-01-02T03:04:05Z")
    assert now_from_env()() == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    monkeypatch.setenv("QUIZCLI_NOW", "soon")
    from quizcli.errors import QuizcliError

    with pytest.raises(QuizcliError):
        now_from_env()


def test_ui_ctrl_c_ends_with_the_summary_and_keeps_answers(library, store):
    import io

    from rich.console import Console

    from quizcli.ui import review as ui

    s = session(library, store, Clock(T0))
    inputs = iter(["", "3"])

    def read(prompt: str) -> str:
        try:
            return next(inputs)
        except StopIteration:
            raise KeyboardInterrupt from None

    out = io.StringIO()
    summary = ui.run(s, Console(file=out, width=80, color_system=None), lang="en", read=read)
    assert summary.ended_by == "interrupt" and summary.reviewed == 1
    assert "Review summary" in out.getvalue() and store.count_answers() == 1


# --------------------------------------------------------------------------
# Learning steps within the session (FSRS's default steps: 1 and 10 minutes
# for new cards, 10 minutes to relearn)


def test_again_comes_back_once_its_step_is_due_before_the_rest(library, store):
    clock = Clock(T0)
    s = session(library, store, clock, steps=True)
    s.show()
    rated = s.grade("1")                                  # rv-card: again, 1 minute
    assert rated.again_in_session and rated.due == T0 + timedelta(minutes=1)
    assert s.current.question.id == "rv-single"           # not due yet: the queue goes on
    assert [i.question.id for i in s.learning] == ["rv-card"]
    clock.at = T0 + timedelta(minutes=2)
    s.show()
    s.answer(right_answer(s.current.question))            # rv-single: good, 10 minutes
    item = s.current
    assert item.question.id == "rv-card" and item.repeat == 1   # due now: before the rest of the queue
    assert item.card == store.card("rv-card") and item.card.state == LEARNING
    s.show()
    s.grade("3")
    assert s.current.question.id == "rv-tf"
    # Both due at T0 + 12 minutes: the queue's order breaks the tie.
    assert [_due_of(i) for i in s.learning] == [T0 + timedelta(minutes=12)] * 2
    assert [i.question.id for i in s.learning] == ["rv-card", "rv-single"]


def _due_of(item):
    return item.card.due


def test_learn_ahead_when_the_queue_is_done(library, store):
    s = session(library, store, Clock(T0), steps=True)   # the clock never moves
    rated = play(s)
    ids = [r.item.question.id for r in rated]
    order = ["rv-card", "rv-single", "rv-tf", "rv-num", "rv-short", "rv-multi"]
    assert ids == order + order                          # good: 10 minutes, within the 20 of learn-ahead
    assert [r.again_in_session for r in rated] == [True] * 6 + [False] * 6
    assert all(r.item.repeat == 1 for r in rated[6:])
    assert all(c.state == REVIEW for c in store.cards().values())    # graduated
    summary = s.summary()
    assert (summary.reviewed, summary.new, summary.learning, summary.ended_by) == (12, 6, 0, "done")


def test_steps_beyond_learn_ahead_wait_for_another_session(library, store):
    clock = Clock(T0)
    sched = Scheduler()
    questions = [q for q in library.questions if q.bank_id == "rv"]
    queue = load_queue(store, questions, T0, seed=SEED, scheduler=sched)
    s = ReviewSession(queue, store, sched, questions=questions, now=clock, learn_ahead=timedelta(minutes=5))
    assert len(play(s)) == 6
    summary = s.summary()
    assert summary.ended_by == "done" and summary.learning == 6 and summary.next_due == T0 + timedelta(minutes=10)


def test_a_lapse_relearns_in_the_session(library, store):
    clock = Clock(T0)
    play(session(library, store, clock, steps=True))       # learn everything
    clock.at = store.card("rv-tf").due
    s = session(library, store, clock, steps=True)
    due = [i.question.id for i in s.items]
    assert "rv-tf" in due
    while s.current.question.id != "rv-tf":
        s.show()
        q = s.current.question
        s.grade("3") if q.type is QuestionType.FLASHCARD else s.answer(right_answer(q))
    s.show()
    rated = s.answer(wrong_answer(s.current.question))
    assert rated.rating == AGAIN and rated.again_in_session
    assert store.card("rv-tf").state == RELEARNING and store.card("rv-tf").lapses == 1
    rest = play(s)
    assert rest[-1].item.question.id == "rv-tf" and rest[-1].item.card.state == RELEARNING
    assert store.card("rv-tf").state == REVIEW


def test_undo_takes_back_the_return_of_a_card(library, store):
    s = session(library, store, Clock(T0), steps=True)
    s.show()
    s.grade("1")
    assert len(s.learning) == 1
    assert s.undo().question.id == "rv-card"
    assert s.learning == () and s.current.question.id == "rv-card" and s.current.repeat == 0
    assert store.card("rv-card") is None


def test_undo_of_a_learning_step_shows_that_step_again(library, store):
    s = session(library, store, Clock(T0), steps=True)
    for _ in range(6):                                    # the queue, all good
        s.show()
        q = s.current.question
        s.grade("3") if q.type is QuestionType.FLASHCARD else s.answer(right_answer(q))
    step = s.current
    assert step.question.id == "rv-card" and step.repeat == 1 and len(s.learning) == 6
    s.show()
    s.grade("3")                                          # graduates
    s.show()
    s.skip()                                              # a learning card can be skipped, too
    assert s.summary().skipped == 1 and len(s.learning) == 4
    assert s.undo() == step                               # the skip since goes with it
    assert s.current == step and len(s.learning) == 6 and s.summary().skipped == 0
    assert store.card("rv-card") == step.card


def test_adjusting_to_easy_graduates_the_card(library, store):
    s = session(library, store, Clock(T0), steps=True)
    s.show()
    s.grade("3")
    s.show()
    rated = s.answer(right_answer(s.current.question))   # rv-single: good, back in 10 minutes
    assert rated.again_in_session and [i.question.id for i in s.learning] == ["rv-card", "rv-single"]
    easy = s.adjust(EASY)
    assert not easy.again_in_session and [i.question.id for i in s.learning] == ["rv-card"]
    assert store.card("rv-single").state == REVIEW
    good = s.adjust(GOOD)
    assert good.again_in_session and [i.question.id for i in s.learning] == ["rv-card", "rv-single"]
    s.show()
    s.skip()
    with pytest.raises(ValueError, match="before the next card"):
        s.adjust(EASY)


def test_cram_has_no_learning_steps(library, store):
    s = session(library, store, Clock(T0), cram=True, steps=True)
    assert len(play(s, right=False)) == 6 and s.learning == ()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "4", "u", "s"]), st.integers(0, 12)), max_size=30))
def test_session_invariants_with_steps_skips_and_undo(library, tmp_path_factory, actions):
    """Whatever is rated, skipped or undone as time passes: a card is in the
    session at most once, the card shown is the card stored, and undo puts
    the store and the session back exactly as they were."""
    with open_store(tmp_path_factory.mktemp("s") / "p.db") as st_:
        clock = Clock(T0)
        s = session(library, st_, clock, topic="rw", steps=True)

        def state():
            cur = s.current
            return (st_.cards(), st_.count_answers(), cur and (cur.question.id, cur.repeat, cur.card),
                    [(i.question.id, i.card) for i in s.learning], s.summary().skipped)

        before = []
        for action, minutes in actions:
            clock.at += timedelta(minutes=minutes)
            if action == "u":
                undone = s.undo()
                assert (undone is None) == (not before)
                if before:
                    assert state() == before.pop()
                continue
            if s.finished:
                continue
            if action == "s":
                s.show()
                s.skip()
            else:
                before.append(state())
                s.show()
                s.grade(action)
            cur = s.current
            remaining = [i.question.id for i in s.remaining]
            ids = [i.question.id for i in s.learning] + remaining      # the current card is one of them
            assert len(ids) == len(set(ids))
            assert cur is None or cur.question.id in ids
            if cur is not None:
                assert cur.card == st_.card(cur.question.id)
            assert all(i.card == st_.card(i.question.id) for i in s.learning)


# -- the queue as the store gives it


def _infos(n: int):
    from quizcli.bank.index import QuestionInfo

    return [QuestionInfo(f"q{i:02d}", "b" if i % 3 else "a", QuestionType.FLASHCARD, 1 + i % 5, (), None, None)
            for i in range(n)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reviews=st.lists(st.tuples(st.integers(0, 29), st.integers(1, 4), st.integers(0, 50).map(lambda m: 60 * m)),
                       max_size=40),          # whole hours: cards fall due at the same time, ties are ordered by id
       asked=st.sets(st.integers(0, 29), min_size=1), new=st.integers(0, 6), limit=st.none() | st.integers(1, 8),
       later=st.integers(0, 60 * 24 * 30))
def test_load_queue_is_build_queue_over_every_card(tmp_path_factory, reviews, asked, new, limit, later):
    """load_queue reads only the due cards and the ids of the others; it must
    queue what build_queue queues given every card."""
    from quizcli.clock import start_of_day
    from quizcli.sessions.queue import build_queue

    sched = Scheduler()
    questions = _infos(30)
    with open_store(tmp_path_factory.mktemp("q") / "p.db") as store:
        for i, rating, minutes in sorted(reviews, key=lambda r: r[2]):
            qid, at = f"q{i:02d}", T0 + timedelta(minutes=minutes)
            after, _ = sched.review(store.card(qid), rating, at)
            store.record_review(answer_event(qid, at), rating, store.card(qid), after)
        now = T0 + timedelta(minutes=3000 + later)
        mine = [questions[i] for i in sorted(asked)]
        got = load_queue(store, mine, now, seed=SEED, new_per_day=new, limit=limit, scheduler=sched)
        want = build_queue(mine, store.cards(), now, seed=SEED, new_per_day=new, limit=limit, scheduler=sched,
                           introduced_today=store.introduced_since(start_of_day(now)))
        assert got == want
        assert [(i.number, i.question.id, i.card) for i in got.items] == [
            (i.number, i.question.id, i.card) for i in want.items]


def answer_event(qid: str, at: datetime):
    from quizcli.sessions.quiz import AnswerEvent

    return AnswerEvent(question_id=qid, at=at, given="3", correct=True, grade=3, seconds=1.0, mode="review")


def test_queue_items_are_made_when_read(store):
    sched = Scheduler()
    questions = _infos(8)
    for i in range(8):
        after, _ = sched.review(None, GOOD, T0 + timedelta(minutes=i))
        store.record_review(answer_event(f"q{i:02d}", T0), GOOD, None, after)
    queue = load_queue(store, questions, T0 + timedelta(days=30), seed=SEED, scheduler=sched)
    items = queue.items
    assert len(items) == 8 and not any(items._made)               # nothing parsed yet
    first = items[0]
    assert items[0] is first and items[-8] is first and first.number == 1
    assert sum(m is not None for m in items._made) == 1
    assert [i.number for i in items[2:5]] == [3, 4, 5] and items[-1].number == 8
    with pytest.raises(IndexError):
        items[8]
    assert items == list(items) and items == tuple(items) and items != list(items)[1:] and items != "abc"
    assert first.card == store.card(first.question.id)


def test_cards_due_at_the_same_time_come_in_id_order(store):
    sched = Scheduler()
    questions = _infos(6)
    for qid in ("q04", "q01", "q05", "q02"):                 # reviewed together: due together
        after, _ = sched.review(None, GOOD, T0)
        store.record_review(answer_event(qid, T0), GOOD, None, after)
    queue = load_queue(store, questions, T0 + timedelta(days=1), seed=SEED, new_per_day=0, scheduler=sched)
    assert [i.question.id for i in queue.items] == ["q01", "q02", "q04", "q05"]
