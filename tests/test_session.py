"""The quiz state machine: selection, seeded order, answers, events, summary."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from quizcli import answers
from quizcli.errors import ExitCode, NotFoundError, QuizcliError
from quizcli.model import Library
from quizcli.selection import Filters, choice_order, make_filters, parse_difficulty, select
from quizcli.sessions.quiz import AnswerEvent, QuizSession

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"


@pytest.fixture
def library(monkeypatch) -> Library:
    from quizcli.bank import load_library

    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "content"))
    return load_library()


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _session(library, **kw) -> QuizSession:
    return QuizSession(select(library, Filters()), seed=kw.pop("seed", 7), **kw)


def test_seed_fixes_order_and_choice_shuffle(library):
    a, b = _session(library, seed=3), _session(library, seed=3)
    assert [(i.question.id, i.order) for i in a.items] == [(i.question.id, i.order) for i in b.items]
    orders = {tuple(i.question.id for i in _session(library, seed=s).items) for s in range(6)}
    assert len(orders) > 1, "different seeds should give different orders"
    single = library.question("fx-multi")
    shuffles = {choice_order(single, s) for s in range(10)}
    assert len(shuffles) > 1 and all(sorted(o) == [0, 1, 2, 3] for o in shuffles)


def test_choice_order_does_not_depend_on_the_selection(library):
    full = {i.question.id: i.order for i in _session(library, seed=5).items}
    only = QuizSession([library.question("fx-multi")], seed=5)
    assert only.items[0].order == full["fx-multi"]


def test_count_limits_items(library):
    assert len(_session(library, count=3).items) == 3
    assert len(_session(library, count=0).items) == len(library.questions)
    assert len(_session(library, count=100).items) == len(library.questions)


def test_entries_build_only_the_questions_asked(library):
    """From index entries, a session builds (`full()`) the questions it asks
    and no others, and asks the same quiz as from the full questions."""
    from quizcli.bank.index import QuestionInfo

    built = []

    class Entry(QuestionInfo):      # as an index's entries: full() builds the question
        __slots__ = ()

        def full(self):
            built.append(self.id)
            return library.question(self.id)

    infos = [Entry(q.id, q.bank_id, q.type, q.difficulty, q.tags, q.demo, q.claim) for q in library.questions]
    lazy = QuizSession(infos, seed=4, count=2)
    full = _session(library, seed=4, count=2)
    assert built == []                               # nothing built before it is reached
    first = lazy.show()
    assert built == [first.question.id]              # the first question alone (issue 21)
    lazy.skip()
    second = lazy.show()
    assert built == [first.question.id, second.question.id]
    assert [(i.question, i.order) for i in lazy.items] == [(i.question, i.order) for i in full.items]
    assert len(built) == 2


def test_a_question_gone_from_its_bank_mid_session_is_dropped(library):
    """A bank edited during the session: a drawn question no longer there is
    left out (the numbers stay consecutive), the others are asked."""
    from quizcli.bank.index import QuestionInfo

    class Entry(QuestionInfo):
        __slots__ = ()

        def full(self):
            if self.id == gone:
                raise KeyError(self.id)
            return library.question(self.id)

    infos = [Entry(q.id, q.bank_id, q.type, q.difficulty, q.tags, q.demo, q.claim) for q in library.questions]
    order = [i.question.id for i in _session(library, seed=4, count=3).items]
    gone = order[1]
    s = QuizSession(infos, seed=4, count=3)
    asked = []
    while not s.finished:
        item = s.show()
        asked.append((item.number, item.question.id))
        s.skip()
    assert asked == [(1, order[0]), (2, order[2])]
    assert s.summary().total == 2 and s.summary().ended_by == "done"

    gone = order[2]                                   # the last one drawn
    s = QuizSession(infos, seed=4, count=3)
    for _ in range(2):
        s.show()
        s.skip()
    assert s.finished and s.summary().total == 2


def test_the_draw_is_a_sample_in_id_order_whatever_the_input_order(library):
    from quizcli.sessions.quiz import draw

    qs = list(library.questions)
    a = [q.id for q in draw(qs, 9, 3)]
    b = [q.id for q in draw(list(reversed(qs)), 9, 3)]
    assert a == b and len(set(a)) == 3
    everything = [q.id for q in draw(qs, 9, 0)]
    assert sorted(everything) == sorted(q.id for q in qs)
    assert everything == [q.id for q in draw(list(reversed(qs)), 9, None)]
    # The nth question does not depend on the count: -n 3 asks the first three of -n 5 and of all.
    for seed in range(20):
        first = [q.id for q in draw(qs, seed, 3)]
        assert first == [q.id for q in draw(qs, seed, 5)][:3] == [q.id for q in draw(qs, seed, 0)][:3]


def test_answers_emit_events_and_summary(library):
    events: list[AnswerEvent] = []
    clock = FakeClock()
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    s = QuizSession([library.question(q) for q in ("fx-tf", "fx-num", "fx-card", "fy-gan")], seed=1,
                    on_answer=events.append, clock=clock, now=lambda: when)
    seen = []
    while not s.finished:
        item = s.show()
        seen.append(item.question.id)
        clock.t += 2.5
        qid = item.question.id
        if qid == "fx-tf":
            fb = s.answer("t")
            assert fb.correct
        elif qid == "fx-num":
            with pytest.raises(answers.InvalidAnswer):
                s.answer("lots")
            assert s.current is item          # an invalid answer leaves the session where it was
            fb = s.answer("64")
            assert not fb.correct
        elif qid == "fx-card":
            fb = s.grade("3")
            assert fb.correct and fb.grade == 3
        else:
            s.skip()
    assert [e.question_id for e in events] == [q for q in seen if q != "fy-gan"]
    e = events[0]
    assert e.at == when and e.seconds == pytest.approx(2.5) and e.mode == "quiz"
    num = next(e for e in events if e.question_id == "fx-num")
    assert (num.given, num.correct, num.grade) == ("64", False, None)
    card = next(e for e in events if e.question_id == "fx-card")
    assert (card.correct, card.grade) == (True, 3)
    summary = s.summary()
    assert (summary.total, summary.answered, summary.correct, summary.skipped) == (4, 3, 2, 1)
    assert summary.ended_by == "done" and summary.unanswered == 0
    assert [q.id for q in summary.missed] == ["fx-num"]
    assert [q.id for q in summary.skipped_questions] == ["fy-gan"]
    assert summary.by_topic["fx"].asked == 3 and summary.by_topic["fx"].correct == 2
    assert summary.by_topic["fy"].skipped == 1 and summary.by_topic["fy"].asked == 0


def test_event_is_reported_before_answer_returns(library):
    calls = []
    s = QuizSession([library.question("fx-tf")], seed=1, on_answer=lambda e: calls.append(e.question_id))
    s.show()
    s.answer("y")
    assert calls == ["fx-tf"]


def test_end_early(library):
    s = _session(library)
    s.show()
    s.skip()
    s.show()
    s.end("interrupt")
    assert s.finished and s.current is None
    summary = s.summary()
    assert summary.ended_by == "interrupt"
    assert summary.skipped == 1 and summary.answered == 0
    assert summary.unanswered == summary.total - 1


def test_choice_answers_use_the_shown_letters(library):
    s = QuizSession([library.question("fx-single")], seed=11)
    item = s.show()
    right = next(pos for pos, c in enumerate(item.shown_choices()) if c.correct)
    fb = s.answer(answers.LETTERS[right].upper())
    assert fb.correct and fb.picked == (right,)


def test_grade_only_for_flashcards(library):
    s = QuizSession([library.question("fx-tf")], seed=1)
    s.show()
    with pytest.raises(ValueError):
        s.grade("3")


@pytest.mark.parametrize("raw, expected", [("2", (2, 2)), ("1-3", (1, 3)), (" 4 - 5 ", (4, 5)), (None, None)])
def test_parse_difficulty(raw, expected):
    assert parse_difficulty(raw) == expected


@pytest.mark.parametrize("raw", ["0", "6", "3-1", "a", "1-2-3", "1-9"])
def test_parse_difficulty_rejects(raw):
    with pytest.raises(QuizcliError) as info:
        parse_difficulty(raw)
    assert info.value.exit_code == ExitCode.USAGE


def test_filters(library):
    def ids(**kw):
        return [q.id for q in select(library, make_filters(library, **kw))]

    assert ids(topics=["fy"]) == ["fy-gan", "fy-tol"]
    assert ids(tags=["pytorch"]) == ["fx-multi", "fy-tol"]
    assert ids(types=["true-false"]) == ["fx-tf", "fy-gan"]
    assert ids(types=["numeric"], topics=["fx"]) == ["fx-num"]
    assert ids(difficulty="3-5") == ["fx-card", "fx-short", "fy-gan"]
    assert ids(tags=["gan", "sn"]) == ["fx-card", "fy-gan"]


def test_unknown_topic_and_tag_list_the_valid_ones(library):
    with pytest.raises(NotFoundError) as info:
        make_filters(library, topics=["fz"])
    assert "fz" in info.value.message and "fx, fy" in info.value.hint
    with pytest.raises(NotFoundError) as info:
        make_filters(library, tags=["nope"])
    assert "pytorch" in info.value.hint
    with pytest.raises(QuizcliError) as info:
        make_filters(library, types=["essay"])
    assert "short_answer" in info.value.hint
