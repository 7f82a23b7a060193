"""The progress store: durability under kill -9, concurrent writers, migrations,
files that are not ours, and export/import without duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as hst

from quizcli import store as store_mod
from quizcli.store import cards as store_cards
from quizcli.errors import QuizcliError
from quizcli.scheduler import AGAIN, GOOD, Scheduler
from quizcli.sessions.quiz import AnswerEvent
from quizcli.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, fmt_time, open_store, parse_time

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parent.parent


def event(qid: str, at: datetime, correct: bool = True, mode: str = "review", given: str = "a") -> AnswerEvent:
    return AnswerEvent(question_id=qid, at=at, given=given, correct=correct, grade=None, seconds=1.25, mode=mode)


def review(st, sched, qid, rating, at):
    before = st.card(qid)
    after, _ = sched.review(before, rating, at)
    return st.record_review(event(qid, at, rating != AGAIN), rating, before, after)


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def test_default_path_under_user_dir_and_env_override(tmp_path, monkeypatch, _isolated_user_dir):
    assert store_mod.db_path() == _isolated_user_dir / "progress.sqlite3"
    monkeypatch.setenv("QUIZCLI_DB", str(tmp_path / "elsewhere.db"))
    assert store_mod.db_path() == tmp_path / "elsewhere.db"


def test_new_file_is_marked_and_in_wal(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path) as st:
        st.record_answer(event("q1", T0, mode="quiz"))
        assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    row = db.execute("SELECT question_id, at, given, correct, grade, seconds, mode, uid, rating FROM answers").fetchone()
    assert row[:7] == ("q1", "2026-11-01T09:00:00.000Z", "a", 1, None, 1.25, "quiz")
    assert len(row[7]) == 32 and row[8] is None


def test_time_round_trip():
    at = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=timezone(timedelta(hours=8)))
    assert parse_time(fmt_time(at)) == at.replace(microsecond=891000)
    with pytest.raises(ValueError):
        fmt_time(datetime(2026, 1, 1))


def test_review_undo_restores_card_exactly(tmp_path):
    sched = Scheduler()
    with open_store(tmp_path / "p.db") as st:
        review(st, sched, "q1", GOOD, T0)
        first = st.card("q1")
        uid = review(st, sched, "q1", GOOD, first.due)
        assert st.card("q1") != first and st.count_answers() == 2
        st.undo(uid)
        assert st.card("q1") == first and st.count_answers() == 1
        # Undoing the very first rating forgets the card.
        uid0 = st.query("SELECT uid FROM answers")[0][0]
        st.undo(uid0)
        assert st.card("q1") is None and st.count_answers() == 0


def test_rerate_changes_rating_and_card(tmp_path):
    sched = Scheduler()
    with open_store(tmp_path / "p.db") as st:
        uid = review(st, sched, "q1", GOOD, T0)
        easy, _ = sched.review(None, 4, T0)
        st.rerate(uid, 4, easy)
        assert st.card("q1") == easy
        assert st.query("SELECT rating, due_after FROM answers")[0] == (4, fmt_time(easy.due))


def test_reset_forgets_answers_and_schedule(tmp_path):
    sched = Scheduler()
    with open_store(tmp_path / "p.db") as st:
        review(st, sched, "q1", GOOD, T0)
        st.record_answer(event("q1", T0, mode="quiz"))
        st.record_answer(event("q2", T0, mode="quiz"))
        assert st.reset("q1") == (2, True)
        assert st.card("q1") is None and not st.has_history("q1") and st.has_history("q2")


# --------------------------------------------------------------------------
# Migrations


def make_v1(path: Path, rows: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    for i in range(rows):
        db.execute("INSERT INTO answers (question_id, at, given, correct, grade, seconds, mode) VALUES (?,?,?,?,?,?,?)",
                   (f"q{i % 3}", fmt_time(T0 + timedelta(minutes=i)), "a", i % 2, None, 2.0, "quiz"))
    db.close()


def test_migrates_a_v1_file_keeping_every_answer(tmp_path):
    path = tmp_path / "old.db"
    make_v1(path, 10)
    with open_store(path) as st:
        assert st.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = st.query("SELECT question_id, correct, uid, rating FROM answers ORDER BY id")
        assert len(rows) == 10 and len({r[2] for r in rows}) == 10 and all(len(r[2]) == 32 for r in rows)
        assert all(r[3] is None for r in rows)
        assert [r[1] for r in rows] == [i % 2 for i in range(10)]
        # v2 works on it.
        review(st, Scheduler(), "q0", GOOD, T0 + timedelta(days=1))
        assert st.card("q0") is not None
    assert integrity(path) == "ok"
    # The v1 file is kept as it was.
    backup = sqlite3.connect(tmp_path / "old.db.v1.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM answers").fetchone()[0] == 10
    backup.close()


def test_a_newer_schema_is_refused_unchanged(tmp_path):
    path = tmp_path / "new.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(QuizcliError, match="newer quizcli"):
        open_store(path)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------
# Files that are not ours


def _unchanged_after_refusal(path: Path, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(QuizcliError, match=match) as info:
        st = open_store(path)
        st.cards()          # a damaged page may only show on reading
        st.record_answer(event("q", T0))
    assert "left unchanged" in info.value.message
    assert path.read_bytes() == before


def test_not_a_database(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(os.urandom(8192))
    _unchanged_after_refusal(path, "not an SQLite database")
    assert not (tmp_path / "p.db-wal").exists()


def test_text_file(tmp_path):
    path = tmp_path / "p.db"
    path.write_text("my notes\n" * 50)
    _unchanged_after_refusal(path, "not a quizcli progress database")


def test_foreign_sqlite_file(tmp_path):
    path = tmp_path / "p.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('keep me')")
    db.commit()
    db.close()
    _unchanged_after_refusal(path, "did not create")


def test_sqlite_file_of_another_application(tmp_path):
    path = tmp_path / "p.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.execute("CREATE TABLE answers (x)")
    db.commit()
    db.close()
    _unchanged_after_refusal(path, "another application")


def test_damaged_pages(tmp_path):
    path = tmp_path / "p.db"
    with open_store(path) as st:
        for i in range(300):
            st.record_answer(event(f"q{i}", T0, given="x" * 200))
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[page: 5 * page] = os.urandom(4 * page)     # everything after the header page
    path.write_bytes(bytes(data))
    _unchanged_after_refusal(path, "damaged")


def test_empty_file_is_set_up(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"")
    with open_store(path) as st:
        st.record_answer(event("q", T0))
        assert st.count_answers() == 1


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "p.db").mkdir()
    with pytest.raises(QuizcliError, match="folder"):
        open_store(tmp_path / "p.db")


# --------------------------------------------------------------------------
# Durability and concurrency, with real processes

_WRITER = r"""
import sys, time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from quizcli.scheduler import Scheduler
from quizcli.sessions.quiz import AnswerEvent
from quizcli.store import open_store

path, name, count, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start:        # start together with the other writer
    time.sleep(0.001)
st = open_store(path)
sched = Scheduler()
t0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
i = 0
while count < 0 or i < count:
    at = t0 + timedelta(seconds=i)
    qid = f"{name}-{i % 7}"
    ev = AnswerEvent(qid, at, "a", True, None, 0.5, "review")
    before = st.card(qid)
    after, _ = sched.review(before, 3, at)
    uid = st.record_review(ev, 3, before, after)
    # Acknowledge only after the commit has returned.
    sys.stdout.write(uid + "\n")
    sys.stdout.flush()
    i += 1
"""


def _writer(path: Path, name: str, count: int, start: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name, str(count), str(start)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def test_kill_9_mid_session_keeps_every_acknowledged_answer(tmp_path):
    path = tmp_path / "p.db"
    proc = _writer(path, "k", -1, 0)
    acked = []
    assert proc.stdout is not None
    while len(acked) < 40:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        acked.append(line.strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    acked += [line.strip() for line in proc.stdout.read().splitlines() if len(line.strip()) == 32]
    assert integrity(path) == "ok"
    with open_store(path) as st:
        kept = {r[0] for r in st.query("SELECT uid FROM answers")}
        assert set(acked) <= kept
        assert len(kept) - len(acked) <= 1          # at most the answer being written
        # The schedule is consistent with the log: one card per question answered.
        assert len(st.cards()) == len({r[0] for r in st.query("SELECT DISTINCT question_id FROM answers")})


def test_two_writers_at_once(tmp_path):
    path = tmp_path / "p.db"
    open_store(path).close()
    start = time.time() + 1.0
    procs = [_writer(path, name, 120, start) for name in ("a", "b")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert len(out.split()) == 120
    assert integrity(path) == "ok"
    with open_store(path) as st:
        assert st.count_answers() == 240
        uids = {r[0] for r in st.query("SELECT uid FROM answers")}
        assert uids == set(outs[0][0].split()) | set(outs[1][0].split())
        assert len(st.cards()) == 14


# --------------------------------------------------------------------------
# Export / import


def _fill(st, sched, prefix: str, n: int, start: datetime) -> None:
    for i in range(n):
        qid = f"{prefix}{i % 4}"
        at = start + timedelta(days=i)
        review(st, sched, qid, AGAIN if i % 5 == 0 else GOOD, at)
        st.record_answer(event(qid, at, mode="quiz"))


def test_export_import_round_trip_without_duplicates(tmp_path):
    sched = Scheduler()
    a = open_store(tmp_path / "a.db")
    _fill(a, sched, "q", 20, T0)
    data = a.export()
    assert data["format"] == "quizcli-progress" and len(data["answers"]) == 40

    b = open_store(tmp_path / "b.db")
    result = b.import_(data)
    assert (result.added, result.skipped, result.cards) == (40, 0, 4)
    assert b.cards() == a.cards()                     # rebuilt by replay: the same schedule
    again = b.import_(data)
    assert (again.added, again.skipped) == (0, 40)
    assert b.count_answers() == 40
    assert a.import_(b.export()).added == 0
    assert a.export() == b.export()


def test_import_merges_two_machines(tmp_path):
    sched = Scheduler()
    a = open_store(tmp_path / "a.db")
    b = open_store(tmp_path / "b.db")
    _fill(a, sched, "q", 6, T0)
    _fill(b, sched, "q", 6, T0 + timedelta(hours=12))
    a.import_(b.export())
    assert a.count_answers() == 24
    # The merged card is FSRS over both logs in time order.
    rows = a.query("SELECT at, rating FROM answers WHERE question_id = 'q0' AND rating IS NOT NULL ORDER BY at")
    card = None
    for at, rating in rows:
        card, _ = sched.review(card, rating, parse_time(at))
    assert a.card("q0") == card


@pytest.mark.parametrize("data, match", [
    ([], "not a quizcli progress export"),
    ({"format": "quizcli-progress", "version": 99, "answers": []}, "unsupported version"),
    ({"format": "quizcli-progress", "version": 1, "answers": [{"uid": "x"}]}, r"answers\[0\]: missing field"),
    ({"format": "quizcli-progress", "version": 1, "answers": [
        {"uid": "x", "question_id": "q", "at": "2026-01-01T00:00:00Z", "given": "a", "mode": "review",
         "rating": 7}]}, r"answers\[0\]: rating 7"),
    ({"format": "quizcli-progress", "version": 1, "answers": [
        {"uid": "x", "question_id": "q", "at": "yesterday", "given": "a", "mode": "quiz"}]}, r"answers\[0\]"),
])
def test_bad_import_is_refused_and_changes_nothing(tmp_path, data, match):
    with open_store(tmp_path / "a.db") as st:
        st.record_answer(event("q", T0))
        with pytest.raises(QuizcliError, match=match):
            st.import_(data, source="backup.json")
        assert st.count_answers() == 1


def test_aggregates_kept_by_triggers_match_the_log(tmp_path):
    """question_totals and activity (v3) stay equal to a recount of the answers
    through insert, rerate, undo, reset and import."""
    sched = Scheduler()
    st = open_store(tmp_path / "a.db")
    _fill(st, sched, "q", 12, T0)
    uid = review(st, sched, "q9", GOOD, T0 + timedelta(minutes=20))
    st.rerate(uid, 4, sched.review(None, 4, T0 + timedelta(minutes=20))[0])
    st.undo(st.query("SELECT uid FROM answers ORDER BY id DESC LIMIT 1")[0][0])
    st.reset("q1")
    other = open_store(tmp_path / "b.db")
    _fill(other, sched, "q", 5, T0 + timedelta(hours=7, minutes=40))
    st.import_(other.export())

    def recount():
        totals = st.query(
            "SELECT question_id, count(*), sum(correct), sum(rating IS NOT NULL AND state_before = 2),"
            " sum(rating IS NOT NULL AND state_before = 2 AND correct) FROM answers GROUP BY 1 ORDER BY 1")
        buckets = {}
        for (at,) in st.query("SELECT at FROM answers"):
            key = at[:14] + f"{int(at[14:16]) // 15 * 15:02d}"
            buckets[key] = buckets.get(key, 0) + 1
        return totals, sorted(buckets.items())

    assert (sorted(st.answer_totals()), st.query("SELECT bucket, answers FROM activity ORDER BY 1")) == recount()
    assert any(r[3] for r in st.answer_totals())          # some reviews of learned cards are counted
    quarters = st.activity(T0 - timedelta(days=1), by_hour=False)
    hours = st.activity(T0 - timedelta(days=1))
    assert sum(n for _, n in quarters) == sum(n for _, n in hours) == st.count_answers()
    assert all(len(b) == 16 and int(b[14:]) % 15 == 0 for b, _ in quarters)
    assert all(len(b) == 13 for b, _ in hours)



@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hst.lists(hst.tuples(hst.sampled_from(["q1", "q2", "q3"]), hst.integers(1, 4), hst.floats(0, 30),
                            hst.sampled_from(["review", "quiz", "cram"])), min_size=1, max_size=15))
def test_export_import_round_trip_property(tmp_path_factory, steps):
    sched = Scheduler()
    folder = tmp_path_factory.mktemp("rt")
    a = open_store(folder / "a.db")
    now = T0
    for qid, rating, gap_days, mode in steps:
        now += timedelta(days=gap_days)
        if mode == "review":
            review(a, sched, qid, rating, now)
        else:
            a.record_answer(event(qid, now, rating > 1, mode))
    b = open_store(folder / "b.db")
    b.import_(a.export())
    assert b.export() == a.export()
    assert b.import_(a.export()).added == 0 and b.count_answers() == len(steps)
    assert sorted(b.answer_totals()) == sorted(a.answer_totals())


# -- reads for review and stats


def _history(st, sched, n: int = 30) -> None:
    """Reviews and quiz answers over ten questions, and one never reviewed."""
    for i in range(n):
        qid = f"q{i % 10}"
        at = T0 + timedelta(days=i // 3, hours=i % 7)
        review(st, sched, qid, AGAIN if i % 4 == 0 else GOOD, at)
        st.record_answer(event(qid, at, correct=i % 3 > 0, mode="quiz"))
    st.record_answer(event("quiz-only", T0, mode="quiz"))


def _topic_sums_in_python(st, sched, topics, now):
    """What topic_totals must return, from a row per question and per card."""
    topic_of = {qid: t for t, ids in topics.items() for qid in ids}
    sums = {}
    for qid, n, correct, reviews, recalled in st.answer_totals():
        s = sums.setdefault(topic_of.get(qid), [0, 0, 0, 0, 0.0, 0, 0])
        s[0] += 1
        s[1] += n
        s[2] += correct
        s[5] += reviews
        s[6] += recalled
    for qid, card in st.cards().items():
        s = sums.setdefault(topic_of.get(qid), [0, 0, 0, 0, 0.0, 0, 0])
        s[3] += 1
        s[4] += sched.retrievability(card, now)
    return {t: (s[0], s[1], s[2], s[3], pytest.approx(s[4]), s[5], s[6]) for t, s in sums.items()}


@pytest.mark.parametrize("json1", [True, False])
def test_topic_totals_are_the_sums_per_question(tmp_path, json1):
    sched = Scheduler()
    now = T0 + timedelta(days=40)
    with open_store(tmp_path / "p.db") as st:
        _history(st, sched)
        st._json = json1                 # False: SQLite without its JSON functions
        topics = {"a": ["q0", "q1", "q2", "nothing-yet"], "b": ["q3", "q4"], "c": ["never"]}
        got = {t.topic: (t.seen, t.answers, t.correct, t.scheduled, t.recall, t.reviews, t.recalled)
               for t in st.topic_totals(topics, now, sched.curve)}
        # q5-q9 and quiz-only are in no topic: they come back under None.
        assert got == _topic_sums_in_python(st, sched, topics, now)
        assert got[None][0] == 6 and "c" not in got
        everything = {"all": [f"q{i}" for i in range(10)] + ["quiz-only"]}
        assert None not in {t.topic for t in st.topic_totals(everything, now, sched.curve)}
        assert st.query("SELECT name FROM sqlite_temp_master") == []        # nothing left behind


def test_topic_totals_with_pythons_pow(tmp_path):
    # Where SQLite lacks its math functions, pow() is Python's (the same C pow).
    import math

    sched = Scheduler()
    now = T0 + timedelta(days=40)
    with open_store(tmp_path / "p.db") as st:
        _history(st, sched)
        builtin = st.topic_totals({"a": [f"q{i}" for i in range(10)]}, now, sched.curve)
        st.db.create_function("pow", 2, math.pow, deterministic=True)
        assert st.topic_totals({"a": [f"q{i}" for i in range(10)]}, now, sched.curve) == builtin


def test_topic_totals_of_an_empty_store(tmp_path):
    with open_store(tmp_path / "none.db", readonly=True) as st:
        assert st.topic_totals({"a": ["q1"]}, T0, Scheduler().curve) == []


@pytest.mark.parametrize("json1", [True, False])
def test_activity_in_sums_each_range_per_label(tmp_path, json1):
    with open_store(tmp_path / "p.db") as st:
        st._json = json1
        for minutes in (0, 14, 15, 59, 60, 24 * 60 - 1, 24 * 60):
            st.record_answer(event("q1", T0 + timedelta(minutes=minutes), mode="quiz"))
        day = timedelta(days=1)
        ranges = [("d1", T0, T0 + timedelta(minutes=15)), ("d2", T0 + timedelta(minutes=15), T0 + timedelta(hours=1)),
                  ("d1", T0 + timedelta(hours=1), T0 + day), ("d3", T0 + day, T0 + 2 * day),
                  ("empty", T0 - day, T0)]
        assert sorted(st.activity_in(ranges)) == [("d1", 4), ("d2", 2), ("d3", 1)]


def test_due_card_rows_in_review_order(tmp_path):
    sched = Scheduler()
    with open_store(tmp_path / "p.db") as st:
        _history(st, sched)
        now = T0 + timedelta(days=30)
        rows = st.due_card_rows(now)
        cards = {qid: c for qid, c in st.cards().items() if c.due <= now}
        assert [r[0] for r in rows] == sorted(cards, key=lambda qid: (cards[qid].due, qid))
        assert {r[0]: store_mod.card_from_row(r) for r in rows} == cards
        assert st.card("q3") == st.cards()["q3"] and st.card("quiz-only") is None
        assert sorted(st.card_ids()) == sorted(st.cards())


def test_due_summary_counts_only_the_questions_asked_for(tmp_path):
    sched = Scheduler()
    with open_store(tmp_path / "p.db") as st:
        _history(st, sched)
        cards = st.cards()
        now = sorted(c.due for c in cards.values())[4]
        for ids in ({"q1", "q2", "q3"}, set(cards), {"q9"}, {"gone"}, set()):
            due = [c.due for qid, c in cards.items() if qid in ids]
            later = [d for d in due if d > now]
            assert st.due_summary(ids, now) == (sum(d <= now for d in due), min(later) if later else None)


@pytest.mark.parametrize("ids", [["a-q1", "b.q2", "c_3"], [], ['odd "quote"', "back\\slash", "tab\there", "中文"]])
def test_json_strings(ids):
    import json

    assert json.loads(store_cards._json_strings(ids)) == ids
