"""The interview session (quizcli/sessions/interview.py): plan, follow-ups, timing, rating, the store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizcli import paths
from quizcli.bank import load_library
from quizcli.model import FollowUp, KeyPoint, Phrases, Question, QuestionType, Text
from quizcli.scheduler import AGAIN, GOOD, HARD, Scheduler
from quizcli.sessions.interview import InterviewSession, next_follow_up, plan, rating_for
from quizcli.store import interview as interview_store
from quizcli.store import open_store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "interview" / "content"
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def library(monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURE))
    return load_library()


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def make(library, main_ids, tmp_path, minutes=20.0, clock=None):
    store = open_store(tmp_path / "p.sqlite3")
    clock = clock or Clock()
    session = InterviewSession([library.question(i) for i in main_ids], store, Scheduler(), library.question,
                               lang="en", minutes=minutes, clock=clock,
                               now=lambda: T0 + timedelta(seconds=clock.t - 1000))
    return session, store, clock


def test_rating_all_most_few():
    assert rating_for(3, 3) == GOOD
    assert rating_for(2, 3) == HARD and rating_for(2, 4) == HARD
    assert rating_for(1, 3) == AGAIN and rating_for(0, 3) == AGAIN and rating_for(0, 0) == AGAIN


def _q(qid: str, bank: str, follow: tuple = ()) -> Question:
    return Question(qid, QuestionType.OPEN, Text("p", "p"), Text("e", "e"), bank,
                    key_points=(KeyPoint("k", Text("k", "k"), Phrases(("k",), ())),), follow_ups=follow)


def test_plan_mixes_topics_puts_broad_questions_first_and_fits_the_budget():
    qs = [_q(f"{b}-{i}", b) for b in ("a", "b", "c") for i in range(4)]
    qs[0] = _q("a-0", "a", (FollowUp("a-1"),))       # a-1 is a follow-up: not a main question early on
    picked = plan(qs, seed=3, minutes=20)
    assert len(picked) == 5                           # one per 4 minutes
    banks = [q.bank_id for q in picked]
    assert all(banks[i] != banks[i + 1] for i in range(len(banks) - 1))   # topics alternate
    assert "a-1" not in [q.id for q in plan(qs, seed=3, minutes=36)]     # nine main questions, a-1 still last of a
    assert plan(qs, seed=3, minutes=20) == picked                         # the seed decides
    assert [q.id for q in plan(qs, seed=4, minutes=20)] != [q.id for q in picked]   # another seed, another order
    assert len(plan(qs, seed=1, minutes=1)) == 1                          # at least one question


def test_follow_up_choice(library):
    q = library.question("norm-iv-train-vs-test")
    # batch-stats missed -> its follow-up; running-avg covered -> the deeper one; missed comes first.
    assert next_follow_up(q, {"running-avg"}, set(), library.question).id == "norm-iv-batch-one"
    assert next_follow_up(q, {"batch-stats", "running-avg"}, set(), library.question).id == "norm-iv-why-not-ics"
    assert next_follow_up(q, {"batch-stats"}, set(), library.question) is None
    assert next_follow_up(q, {"running-avg"}, {"norm-iv-batch-one"}, library.question).id == "norm-iv-why-not-ics"


def test_a_whole_interview_records_every_confirmed_answer(library, tmp_path):
    session, store, clock = make(library, ["norm-iv-train-vs-test", "norm-iv-batch-one"], tmp_path)
    asked = session.show()
    assert asked.number == 1 and asked.depth == 0 and asked.planned == 2
    clock.t += 75
    marked = session.submit("In training BN uses the batch mean and variance. At inference, running averages.")
    assert marked.seconds == 75 and marked.auto == {"batch-stats", "running-avg"}
    # The candidate corrects the marks: running-avg was not what they meant.
    result = session.confirm({"batch-stats"})
    assert result.rating == AGAIN and result.covered == {"batch-stats"} and result.auto == marked.auto
    assert result.next_id is None       # batch-stats covered, running-avg missed: neither has a follow-up
    rows = interview_store.answers(store)
    assert len(rows) == 1
    at, interview, qid, lang, text, points, covered, total, seconds, parent = rows[0]
    assert (qid, lang, covered, total, seconds, parent) == ("norm-iv-train-vs-test", "en", 1, 3, 75.0, None)
    assert json.loads(points)[1] == {"id": "running-avg", "auto": True, "covered": False}
    assert text.startswith("In training") and interview == session.interview
    card = store.card("norm-iv-train-vs-test")
    assert card is not None and card.reps == 1                          # fed into the review schedule
    log = store.query("SELECT mode, rating, correct, seconds FROM answers")
    assert log == [("interview", AGAIN, 0, 75.0)]
    # The next main question: batch-one; its answer covers everything.
    asked = session.show()
    assert asked.question.id == "norm-iv-batch-one"
    session.submit("Statistics are noisy. Use GroupNorm, or SyncBN across several GPUs.")
    result = session.confirm({"noisy", "alternatives", "sync"})
    assert result.rating == GOOD
    assert session.finished
    report = session.report(interview_store.answers(store))
    assert report.covered == 4 and report.total == 6
    assert [w.point.id for w in report.weakest] == ["running-avg", "independent"]
    # It has a demo: `explain` runs it (a question without one gets `show`).
    assert report.weakest[0].commands == ("quizcli review --tag bn", "quizcli explain norm-iv-train-vs-test")
    assert {(t.topic, t.covered, t.total) for t in report.topics} == {("norm", 4, 6)}


def test_missed_point_leads_to_its_follow_up_and_depth_is_recorded(library, tmp_path):
    session, store, clock = make(library, ["norm-iv-train-vs-test"], tmp_path)
    session.show()
    session.submit("At inference it uses running averages.")
    result = session.confirm({"running-avg"})
    assert result.next_id == "norm-iv-batch-one" and session.next_is_follow_up
    asked = session.show()
    assert asked.question.id == "norm-iv-batch-one" and asked.depth == 1
    assert asked.follow_up_of == "norm-iv-train-vs-test"
    session.submit("no idea")
    session.confirm(set())
    assert session.finished
    assert interview_store.answers(store)[1][-1] == "norm-iv-train-vs-test"


def test_covered_point_may_lead_deeper(library, tmp_path):
    session, _, _ = make(library, ["norm-iv-train-vs-test"], tmp_path)
    session.show()
    session.submit("batch statistics in training, running averages at inference")
    assert session.confirm({"batch-stats", "running-avg"}).next_id == "norm-iv-why-not-ics"


def test_budget_stops_new_questions(library, tmp_path):
    session, _, clock = make(library, ["norm-iv-train-vs-test", "norm-iv-batch-one"], tmp_path, minutes=1)
    session.show()
    clock.t += 61
    session.submit("batch mean")
    session.confirm({"batch-stats"})
    assert session.over_time and session.finished


def test_skip_and_quit_record_nothing(library, tmp_path):
    session, store, _ = make(library, ["norm-iv-train-vs-test", "norm-iv-batch-one"], tmp_path)
    session.show()
    session.skip()
    session.show()
    session.submit("typed but never confirmed")
    session.end("quit")
    assert session.finished and interview_store.answers(store) == [] and store.count_answers() == 0
    report = session.report()
    assert report.rows == () and [q.id for q in report.skipped] == ["norm-iv-train-vs-test"]


def test_confirm_rejects_points_of_another_question(library, tmp_path):
    session, _, _ = make(library, ["norm-iv-train-vs-test"], tmp_path)
    session.show()
    with pytest.raises(RuntimeError):
        session.confirm(set())
    session.submit("x")
    with pytest.raises(ValueError):
        session.confirm({"noisy"})


def test_weakest_points_use_earlier_interviews(library, tmp_path):
    session, store, _ = make(library, ["norm-iv-batch-one"], tmp_path)
    session.show()
    session.submit("x")
    session.confirm({"noisy", "alternatives"})      # sync missed once before
    second, _, _ = make(library, ["norm-iv-train-vs-test", "norm-iv-batch-one"], tmp_path)
    second.show()
    second.submit("x")
    second.confirm({"batch-stats", "running-avg"})
    second.show()       # the covered-point follow-up
    second.submit("x")
    second.confirm({"not-ics", "smoother", "larger-lr"})
    second.show()
    second.submit("x")
    second.confirm({"noisy", "alternatives"})
    report = second.report(interview_store.answers(store))
    # `sync` was missed in the earlier interview too: it is the weakest.
    assert report.weakest[0].point.id == "sync" and report.weakest[0].asked_before == 1


def test_study_commands():
    from quizcli.sessions.interview_report import study_commands

    q = _q("a-1", "a")._replace(tags=("bn", "x"))
    assert study_commands(q) == ("quizcli review --tag bn", "quizcli show a-1")
    assert study_commands(q._replace(demo="bn_train_vs_test", tags=())) == ("quizcli explain a-1",)


def test_undo_and_reset_forget_the_interview_record(library, tmp_path):
    session, store, _ = make(library, ["norm-iv-train-vs-test", "norm-iv-batch-one"], tmp_path)
    for _ in range(2):
        session.show()
        session.submit("batch mean")
        session.confirm({"batch-stats"} if session.results == [] else set())
    [uid] = [r[0] for r in store.query("SELECT uid FROM answers WHERE question_id = 'norm-iv-batch-one'")]
    store.undo(uid)
    assert [r[2] for r in interview_store.answers(store)] == ["norm-iv-train-vs-test"]
    store.reset("norm-iv-train-vs-test")
    assert interview_store.answers(store) == []
