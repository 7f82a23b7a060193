"""quizcli practice (#18): the session, the command, review and stats, and a real terminal."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli_run import run
from quizcli.exercise import folders
from quizcli.exercise.runner import Grade, TestResult
from quizcli.sessions import practice as core

ROOT = Path(__file__).resolve().parent.parent
QID = "in-code-instance-norm"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
SOLUTION = (ROOT / "demos" / "exercises" / "instance_norm" / "solution.py").read_text(encoding="utf-8")
WRONG = ROOT / "tests" / "data" / "exercises_wrong" / "instance_norm" / "batch_axes.py"


def question(qid: str = QID):
    from quizcli.bank import load_library

    return load_library().question(qid)


def fake_grade(passed: bool):
    def grade(path, files):
        return Grade((TestResult("test_a", "", passed, "" if passed else "y: max abs error 1"),), "", 0.1)
    return grade


def session(tmp_path, grade=None, store=None, scheduler=None):
    return core.PracticeSession(question(), store, scheduler, lambda: NOW, grade=grade or fake_grade(True),
                                folder=tmp_path / "ws")


# -- the session


def test_start_writes_the_starter_and_keeps_the_last_attempt(tmp_path):
    s = session(tmp_path)
    path = s.start()
    starter = folders.for_question(s.question).starter.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == starter
    path.write_text("my attempt\n")
    assert s.start(resume=True).read_text() == "my attempt\n"       # --resume goes on with it
    s.start()                                                       # a fresh starter; the attempt is kept
    assert path.read_text(encoding="utf-8") == starter and s.last_path.read_text() == "my attempt\n"
    assert s.reopen_last() and path.read_text() == "my attempt\n"
    assert s.last_path.read_text(encoding="utf-8") == starter


def test_reopen_without_a_last_attempt(tmp_path):
    s = session(tmp_path)
    s.start()
    assert not s.reopen_last()


@pytest.mark.parametrize("passed, hints, shown, rating", [
    (True, 0, False, core.GOOD), (True, 1, False, core.HARD), (True, 0, True, core.AGAIN),
    (False, 0, False, core.AGAIN), (False, 2, False, core.AGAIN)])
def test_rating(passed, hints, shown, rating):
    assert core.rating_for(passed, hints, shown) == rating


def test_finish_records_a_review(tmp_path):
    from quizcli.scheduler import Scheduler
    from quizcli.store import open_store

    store = open_store()
    s = session(tmp_path, fake_grade(True), store, Scheduler())
    s.start()
    assert s.hint()[0] == 1
    assert s.check().passed
    attempt = s.finish()
    assert attempt.rating == core.HARD and attempt.correct and attempt.mode == "practice"
    assert s.finish() is attempt                      # once
    card = store.card(QID)
    assert card is not None and card.due > NOW
    given = json.loads(store.last_given("practice")[QID])
    assert given == {"passed": True, "tests": "1/1", "hints": 1, "solution_shown": False, "gradings": 1}
    store.close()


def test_nothing_done_records_nothing(tmp_path):
    s = session(tmp_path)
    s.start()
    assert s.finish() is None


def test_solution_counts_as_again(tmp_path):
    s = session(tmp_path, fake_grade(True))
    s.start()
    assert "def instance_norm" in s.solution()
    s.check()
    assert s.finish().rating == core.AGAIN


def test_pick_due_before_new():
    from quizcli.scheduler import new_card

    class Q:
        def __init__(self, qid, d):
            from quizcli.model import QuestionType
            self.id, self.difficulty, self.type = qid, d, QuestionType.CODE

    a, b, c = Q("a", 3), Q("b", 1), Q("c", 2)
    assert core.pick([a, b, c], {}, NOW) == (b, "new")
    cards = {"c": new_card(NOW - timedelta(days=1))._replace(due=NOW - timedelta(hours=1))}
    assert core.pick([a, b, c], cards, NOW) == (c, "due")
    cards = {q.id: new_card(NOW)._replace(due=NOW + timedelta(days=2)) for q in (a, b, c)}
    assert core.pick([a, b, c], cards, NOW) == (None, "")


# -- the command


def test_list_and_errors():
    code, out, _ = run(["practice", "--list", "--topic", "in"])
    assert code == 0 and QID in out and "new" in out and "bn-code" not in out
    code, _, err = run(["practice", "in-axes"])
    assert code == 2 and "not a code exercise" in err
    code, _, err = run(["practice", "no-such-id"])
    assert code == 4
    code, _, err = run(["practice", "--check", "x.py"])
    assert code == 2


def test_practice_alone_picks_a_new_exercise_and_says_when_none_is_due():
    from rich.console import Console
    import io

    code, out, _ = run(["practice", "--topic", "gan"], input="q\n")
    assert code in (0, 6)                  # 6: no torch here; either way the pick comes first
    if code == 0:
        assert "practice · gan · gan-code-" in out and "· new" in out and "Nothing graded, nothing recorded." in out
    from quizcli.ui.practice import render_nothing_due

    console = Console(file=io.StringIO(), width=100, color_system=None)
    render_nothing_due(console, NOW + timedelta(days=3), NOW, exercises=5)
    render_nothing_due(console, None, NOW, exercises=0)
    text = console.file.getvalue()
    assert "the next is due in 3d" in text and "No code exercise in the banks loaded" in text


def test_quiz_leaves_code_exercises_out():
    code, _, err = run(["quiz", "--type", "code"])
    assert code == 4 and "quizcli practice" in err


torch_needed = pytest.mark.skipif(not __import__("importlib").util.find_spec("torch"), reason="needs torch")


@torch_needed
def test_check_exit_codes(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text(SOLUTION, encoding="utf-8")
    code, out, _ = run(["practice", QID, "--check", str(ok)])
    assert code == 0 and "passed: 5/5 tests" in out
    code, out, _ = run(["practice", QID, "--check", str(WRONG)])
    assert code == 1 and "✗ test_per_sample_per_channel" in out and "max abs error" in out


def test_without_torch_exit_6(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    ok = tmp_path / "ok.py"
    ok.write_text(SOLUTION, encoding="utf-8")
    code, _, err = run(["practice", QID, "--check", str(ok)])
    assert code == 6 and "quizcli[demos]" in err
    code, _, err = run(["practice", QID], input="q\n")
    assert code == 6


@torch_needed
def test_interactive_in_a_pipe_then_review_and_stats(monkeypatch):
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:00:00Z")
    code, out, _ = run(["practice", QID, "--lang", "en"], input="\nh\nq\n")
    assert code == 0, out
    assert "not implemented yet" in out and "hint 1/2" in out and "Recorded: again" in out
    path = Path(os.environ["QUIZCLI_HOME"]) / "practice" / f"{QID}.py"
    assert path.is_file()
    code, out, _ = run(["practice", "--list", "--topic", "in"])
    assert "failed 1/5, 1 hint" in out
    code, out, _ = run(["progress", "export", "-"])
    assert code == 0 and '"mode": "practice"' in out.replace('":"', '": "')
    # The exercise is a card like any other: stats count it, review shows it.
    code, out, _ = run(["stats", "--json"])
    topic = next(t for t in json.loads(out)["topics"] if t["topic"] == "in")
    assert code == 0 and topic["answers"] == 1 and topic["scheduled"] == 1
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:30:00Z")
    code, out, _ = run(["review", "--topic", "in", "--type", "code"], input="x\np\n\nq\nq\n")
    assert code == 0 and "quizcli practice in-code" in out and "p practises it here" in out
    assert out.count("not implemented yet") == 1 and "Recorded: again" in out


# -- a real terminal


@torch_needed
def test_practice_session_in_a_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env.update(TERM="xterm-256color", LANG="en_US.UTF-8", EDITOR="true")
    child = pexpect.spawn(sys.executable, ["-m", "quizcli", "practice", QID, "--lang", "en"], env=env,
                          encoding="utf-8", timeout=60, dimensions=(50, 200))
    child.expect("Your file: ")
    path = Path(env["QUIZCLI_HOME"]) / "practice" / f"{QID}.py"
    child.expect("save it to grade it")
    child.sendline("")                                   # Enter grades the starter: it fails cleanly
    child.expect("not implemented yet")
    child.expect("1/5 tests pass")
    time.sleep(1.1)                                      # a new modification time, on any file system
    path.write_text(SOLUTION, encoding="utf-8")          # saving the file grades it again: it passes
    child.expect("grading \\(saved\\)")
    child.expect("passed: 5/5 tests")
    child.expect("Recorded: ")
    child.expect("good")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@torch_needed
def test_a_user_bank_exercise_runs_only_once_trusted(tmp_path):
    """`bank new` writes a code question and its exercise; its grader runs after `bank trust`, not before."""
    bank = tmp_path / "notes.yaml"
    code, out, _ = run(["bank", "new", "Notes", "-o", str(bank), "--no-schema"])
    assert code == 0 and "exercises" in out
    solution = tmp_path / "demos" / "exercises" / "notes_softmax" / "solution.py"
    code, _, err = run(["practice", "notes-code-softmax", "--check", str(solution), "--bank", str(bank)])
    assert code == 1 and "quizcli bank trust" in err
    code, _, _ = run(["bank", "trust", str(bank)])
    assert code == 0
    code, out, _ = run(["practice", "notes-code-softmax", "--check", str(solution), "--bank", str(bank)])
    assert code == 0 and "passed: 2/2 tests" in out
    grader = solution.parent / "grader.py"              # a changed grader is no longer trusted
    grader.write_text(grader.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    code, _, err = run(["practice", "notes-code-softmax", "--check", str(solution), "--bank", str(bank)])
    assert code == 1 and "quizcli bank trust" in err


@torch_needed
def test_e_opens_the_editor_then_grades(monkeypatch, tmp_path):
    """`e` runs $EDITOR on the file (here `cp` puts a right answer in it), then grades it: passed, rated good."""
    right = tmp_path / "right.py"
    right.write_text(SOLUTION, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"cp {right}")
    monkeypatch.delenv("VISUAL", raising=False)
    code, out, _ = run(["practice", QID, "--lang", "en"], input="e\n")
    assert code == 0 and "grading (edited)" in out and "passed: 5/5 tests" in out and "Recorded: good" in out


@torch_needed
def test_ctrl_c_in_a_terminal_records_and_exits_130():
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS",)}
    env.update(TERM="xterm", LANG="en_US.UTF-8")
    child = pexpect.spawn(sys.executable, ["-m", "quizcli", "practice", QID, "--lang", "en"], env=env,
                          encoding="utf-8", timeout=60, dimensions=(50, 200))
    child.expect("save it to grade it")
    child.sendline("")
    child.expect("1/5 tests pass")
    child.sendintr()
    child.expect("Recorded: ")
    child.expect("again")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in (child.before or "")


# -- `p` in review: the practised card is reviewed, not skipped


@pytest.fixture
def fake_runner(monkeypatch):
    """The grader without torch: every grading passes (or fails, as `passed` says)."""
    from quizcli.exercise import runner

    result = {"passed": True}
    monkeypatch.setattr(runner, "check_can_run", lambda files: None)
    monkeypatch.setattr(runner, "prepare", lambda cwd: None)
    monkeypatch.setattr(runner, "grade", lambda path, files, prepared=None: fake_grade(result["passed"])(path, files))
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:00:00Z")
    return result


def _review_code(input: str, n: str = "1") -> tuple[int, str]:
    code, out, err = run(["review", "--topic", "in", "--type", "code", "--lang", "en", "-n", n], input=input)
    assert code == 0, err
    return code, out


def _db_rows(sql: str) -> list[tuple]:
    from quizcli.store import open_store

    with open_store() as st:
        return st.query(sql)


def test_review_p_counts_the_practised_card_as_reviewed(fake_runner):
    _code, out = _review_code("p\n\nq\n")         # p, Enter grades (passes): rated good
    assert "Recorded: " in out
    summary = out[out.index("Review summary"):]
    assert "Reviewed: 1" in summary and "correct 1 (100%)" in summary and "new 1" in summary, summary
    assert "skipped" not in summary
    assert _db_rows("SELECT mode, rating FROM answers") == [("practice", 3)]
    assert _db_rows("SELECT count(*) FROM skips") == [(0,)]     # not "missed" for `quiz --missed`


def test_review_p_failed_counts_again(fake_runner):
    fake_runner["passed"] = False
    _code, out = _review_code("p\n\nq\nq\n")        # graded, fails; q gives up: rated again; q quits
    summary = out[out.index("Review summary"):]
    assert "Reviewed: 1" in summary and "correct 0" in summary and "again 1" in summary, summary
    assert "skipped" not in summary


def test_review_p_with_nothing_graded_is_a_skip(fake_runner):
    _code, out = _review_code("p\nq\nq\n")           # p, then q before grading anything
    summary = out[out.index("Review summary"):]
    assert "Reviewed: 0" in summary and "skipped 1" in summary, summary
    assert _db_rows("SELECT count(*) FROM answers") == [(0,)]


def test_review_u_undoes_a_practised_card(fake_runner):
    _code, out = _review_code("p\n\nu\ns\ns\n", n="2")  # practised, then u at the next card: it is asked again
    assert "undone: in-code-" in out
    summary = out[out.index("Review summary"):]
    assert "Reviewed: 0" in summary and "skipped 2" in summary, summary
    assert _db_rows("SELECT count(*) FROM answers") == [(0,)] and _db_rows("SELECT count(*) FROM cards") == [(0,)]


def test_a_practised_rating_cannot_be_adjusted_or_overridden(tmp_path):
    from quizcli.scheduler import EASY, Scheduler
    from quizcli.sessions.queue import load_queue
    from quizcli.sessions.review import ReviewSession
    from quizcli.store import open_store

    for passed in (True, False):
        with open_store(tmp_path / f"{passed}.db") as st:
            qs = [question()]
            sched = Scheduler()
            s = ReviewSession(load_queue(st, qs, NOW, seed=1, scheduler=sched), st, sched, questions=qs,
                              now=lambda: NOW, learning_steps=False)
            p = s.practice(grade=fake_grade(passed), folder=tmp_path / "ws")
            p.start()
            p.check()
            p.finish()
            assert s.practised(p) and s.finished
            with pytest.raises(ValueError):
                s.adjust(EASY) if passed else s.override()      # the grader's rating stands
            summary = s.summary()
            assert (summary.reviewed, summary.correct, summary.again, summary.skipped) == (
                1, int(passed), int(not passed), 0)
