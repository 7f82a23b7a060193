"""`quizcli review`, `stats` and `progress` through the CLI with scripted input,
our own fixture banks and a fixed clock ($QUIZCLI_NOW)."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from quizcli import answers
from quizcli.bank import load_library
from quizcli.selection import choice_order
from quizcli.store import db_path, open_store

from cli_run import run  # tests/ is on sys.path

FIXTURES = Path(__file__).parent / "fixtures" / "review" / "content"
ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-26T09:00:00Z"


@pytest.fixture(autouse=True)
def _env(monkeypatch, local_tz):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES))
    monkeypatch.setenv("QUIZCLI_NOW", NOW)
    local_tz("UTC")
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")




def review(*args: str, input: str = "", env: dict | None = None) -> tuple[int, str, str]:
    return run(["review", "--seed", "1", "--lang", "en", *args], input=input, env=env)


LIB = load_library([FIXTURES], include_builtin=False)
Q = {q.id: q for q in LIB.questions}


def letters(qid: str, correct: bool = True) -> str:
    q = Q[qid]
    order = choice_order(q, 1)
    picked = [answers.LETTERS[pos] for pos, i in enumerate(order) if q.choices[i].correct == correct]
    return ",".join(picked) if correct else picked[0]


def rows(sql: str) -> list[tuple]:
    with open_store() as st:
        return st.query(sql)


# New cards come in this order: rv-card, rv-single, rv-tf, rv-num, rv-short, rv-multi.
ALL_RIGHT = "\n".join([
    "", "3",                       # flashcard: show, good
    letters("rv-single"), "",      # right; Enter keeps good
    "t", "",
    "128", "",
    "instance norm", "",
    letters("rv-multi"), "",
]) + "\n"


def test_review_every_type_right(tmp_path):
    code, out, err = review("--topic", "rv", input=ALL_RIGHT)
    assert code == 0, err
    assert out.count("Rated good") == 6
    assert "Reviewed: 6 · correct 6 (100%) · again 0 · new 6" in out
    assert "Next due: 2026-11-26 09:10 (in 10m)" in out
    log = rows("SELECT question_id, correct, rating, mode FROM answers ORDER BY id")
    assert [r[0] for r in log] == ["rv-card", "rv-single", "rv-tf", "rv-num", "rv-short", "rv-multi"]
    assert all(r[1:] == (1, 3, "review") for r in log)
    # The flashcard's keys show the interval each rating gives.
    assert "1 again 1m · 2 hard 6m · 3 good 10m · 4 easy 8d" in out


def test_review_every_type_wrong_is_again():
    # After a wrong auto-grade, Enter goes on (r would say "I was right").
    script = "\n".join(["", "1", letters("rv-single", False), "", "f", "", "7", "", "layer norm", "",
                        letters("rv-multi", False), ""]) + "\n"
    code, out, _ = review("--topic", "rv", input=script)
    assert code == 0
    assert out.count("Rated again") == 6 and "Enter good" not in out
    assert rows("SELECT count(*) FROM answers WHERE rating = 1 AND correct = 0") == [(6,)]


def test_raise_to_easy_and_lower_to_hard():
    script = "\n".join(["", "3", letters("rv-single"), "e", "t", "h"]) + "\nq\n"
    code, out, _ = review("--topic", "rv", input=script)
    assert code == 0
    assert "Rated easy" in out and "Rated hard" in out
    assert rows("SELECT question_id, rating FROM answers ORDER BY id") == [("rv-card", 3), ("rv-single", 4), ("rv-tf", 2)]


def test_undo_the_last_rating():
    # Rate the flashcard good, undo at the next card, rate it easy instead.
    script = "\n".join(["", "3", "u", "", "4", "q"]) + "\n"
    code, out, _ = review("--topic", "rv", input=script)
    assert code == 0
    assert "undone: rv-card" in out
    assert rows("SELECT question_id, rating FROM answers") == [("rv-card", 4)]
    with open_store() as st:
        assert st.card("rv-card").reps == 1


def test_undo_from_the_adjust_prompt_and_nothing_to_undo():
    script = "\n".join(["u", "", "3", letters("rv-single"), "u", "q"]) + "\n"
    code, out, _ = review("--topic", "rv", input=script)
    assert code == 0
    assert "nothing to undo" in out and "undone: rv-single" in out
    assert rows("SELECT question_id FROM answers") == [("rv-card",)]


def test_cram_leaves_the_schedule_alone():
    review("--topic", "rv", input=ALL_RIGHT)
    with open_store() as st:
        cards = st.cards()
    # Weakest first; all equal here, so by id: rv-card, rv-multi, rv-num.
    code, out, _ = review("--topic", "rv", "--cram", "-n", "3", input="\n1\n" + letters("rv-multi") + "\n7\n")
    assert code == 0
    assert "Cram: answers were logged; the schedule was not changed." in out
    with open_store() as st:
        assert st.cards() == cards
    assert rows("SELECT count(*) FROM answers WHERE mode = 'cram' AND rating IS NULL") == [(3,)]
    assert rows("SELECT question_id, correct FROM answers WHERE mode = 'cram' ORDER BY id") == [
        ("rv-card", 0), ("rv-multi", 1), ("rv-num", 0)]


def test_nothing_due():
    review("--topic", "rw", input="\n3\n\n3\n")
    code, out, _ = review("--topic", "rw")
    assert code == 0 and "Nothing to review now. Next card due 2026-11-26 09:10 (in 10m)." in out
    code, out, _ = review("--topic", "rv", "--new", "0")
    assert "6 new cards wait; today's limit of new cards is reached" in out


def test_tag_filter_and_unknown_topic():
    code, out, _ = review("--tag", "lipschitz", input="q\n")
    assert code == 0 and "1/1" in out and "Is a network of 1-Lipschitz layers" in out
    code, _, err = review("--topic", "nope")
    assert code == 4 and "unknown topic" in err


def test_until_predicts_recall_per_topic():
    code, out, _ = review("--topic", "rv", "--until", "2026-12-10", input=ALL_RIGHT)
    assert code == 0
    assert "Predicted recall on 2026-12-10 (target 95%)" in out
    assert rows("SELECT value FROM settings WHERE key = 'until'") == [("2026-12-11T00:00:00.000Z",)]
    code, out, _ = run(["stats", "--json"])
    data = json.loads(out)
    assert data["until"] == "2026-12-11T00:00:00.000Z"
    assert {f["topic"]: f["seen"] for f in data["forecast"]} == {"rv": 6, "rw": 0}
    code, out, _ = review("--until", "off")
    assert rows("SELECT count(*) FROM settings WHERE key = 'until'") == [(0,)]


def test_until_bad_date():
    code, _, err = review("--until", "tomorrow")
    assert code == 2 and "not a date" in err


def test_eof_keeps_answers():
    code, out, _ = review("--topic", "rv", input="\n3\n" + letters("rv-single") + "\n")
    assert code == 0 and "Review summary" in out
    assert rows("SELECT count(*) FROM answers") == [(2,)]


def test_quiz_answers_are_stored():
    code, out, _ = run(["quiz", "--seed", "1", "-n", "0", "--lang", "en", "--topic", "rw"], input="\n3\n\n2\n")
    assert code == 0, out
    log = rows("SELECT question_id, mode, grade, correct, rating FROM answers ORDER BY id")
    assert sorted(r[0] for r in log) == ["rw-lip", "rw-sn"]
    assert [r[1:] for r in log] == [("quiz", 3, 1, None), ("quiz", 2, 1, None)]   # logged, not scheduled
    assert rows("SELECT count(*) FROM cards") == [(0,)]


def test_stats_text_and_json():
    review("--topic", "rv", input=ALL_RIGHT)
    code, out, _ = run(["stats"])
    assert code == 0 and "Topics" in out and "streak 1 day" in out and "No leeches" in out
    code, out, _ = run(["stats", "--json"])
    data = json.loads(out)
    assert data["total"]["answers"] == 6 and data["streak"] == 1 and data["due"][0]["count"] == 6


def test_export_import_reset(tmp_path):
    review("--topic", "rv", input=ALL_RIGHT)
    backup = tmp_path / "backup.json"
    code, out, _ = run(["progress", "export", str(backup)])
    assert code == 0 and "Exported 6 answers and 6 scheduled cards" in out
    # Another machine: a fresh user folder.
    other = tmp_path / "other"
    env = {"QUIZCLI_HOME": str(other)}
    code, out, _ = run(["progress", "import", str(backup)], env=env)
    assert code == 0 and "Imported 6 answers (0 already present); 6 schedules rebuilt." in out
    code, out, _ = run(["progress", "import", str(backup)], env=env)
    assert "Imported 0 answers (6 already present)" in out
    with open_store(other / "progress.sqlite3") as a, open_store() as b:
        assert a.cards() == b.cards() and a.count_answers() == 6
    code, out, _ = run(["progress", "reset", "rv-card", "--yes"])
    assert code == 0 and "rv-card: 1 answer forgotten; its schedule starts over." in out
    code, _, err = run(["progress", "reset", "rv-card", "--yes"])
    assert code == 4 and "no progress recorded" in err
    code, out, _ = run(["progress", "reset", "rv-tf"], input="n\n")
    assert code != 0 and rows("SELECT count(*) FROM answers WHERE question_id = 'rv-tf'") == [(1,)]


def test_export_to_stdout_and_bad_imports(tmp_path):
    code, out, _ = run(["progress", "export", "-"])
    assert code == 0 and json.loads(out)["answers"] == []
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "quizcli-progress",\n  "version": 1,\n  "answers": [}\n')
    code, _, err = run(["progress", "import", str(bad)])
    err = " ".join(err.split())          # the message wraps at the terminal width
    assert code == 3 and "bad.json:3:15: not valid JSON" in err
    code, _, err = run(["progress", "import", str(tmp_path / "missing.json")])
    assert code == 4
    bad.write_text(json.dumps({"format": "quizcli-progress", "version": 1, "answers": [{"uid": 1}]}))
    code, _, err = run(["progress", "import", str(bad)])
    assert code == 3 and "answers[0]" in err


def test_corrupt_database_is_a_clear_error_and_left_alone():
    path = db_path()
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    for args in (["review", "--topic", "rv"], ["stats"], ["progress", "export", "-"],
                 ["quiz", "--topic", "rv", "-n", "1"]):
        code, out, err = run(args, input="q\n")
        assert code == 3, (args, out, err)
        assert "not a quizcli progress database" in " ".join(err.split()) and "Traceback" not in err
    assert path.read_bytes() == before


def test_kill_9_during_a_real_review_session(tmp_path):
    """The real program in a child process, killed with SIGKILL between answers."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "QUIZCLI_NOW": NOW}
    proc = subprocess.Popen([sys.executable, "-m", "quizcli", "review", "--seed", "1", "--lang", "en", "--topic", "rv"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    assert proc.stdin and proc.stdout
    seen = b""

    def wait_for(text: bytes, count: int) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while seen.count(text) < count:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                assert chunk, seen.decode(errors="replace")
                seen += chunk

    proc.stdin.write(b"\n3\n")
    proc.stdin.flush()
    wait_for(b"Rated good", 1)
    proc.stdin.write((letters("rv-single") + "\n").encode())
    proc.stdin.flush()
    wait_for(b"Rated good", 2)                # both acknowledged on screen
    proc.stdin.write(b"\nt")                  # keep good; a third answer half typed
    proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = sqlite3.connect(db_path())
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT question_id FROM answers ORDER BY id").fetchall() == [("rv-card",), ("rv-single",)]
    db.close()


def test_review_stats_progress_import_neither_torch_nor_numpy(tmp_path):
    code = (
        "import sys\n"
        "from quizcli.cli import main\n"
        "for args in (['stats', '--json'], ['review', '--topic', 'rw'], ['progress', 'export', '-']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, (args, e.code)\n"
        "bad = [m for m in ('torch', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', bad)\n"
    )
    env = {**os.environ, "QUIZCLI_HOME": str(tmp_path), "QUIZCLI_CONTENT": str(FIXTURES)}
    out = subprocess.run([sys.executable, "-c", code], input="q\n", capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout


def test_nothing_due_still_shows_the_interview_forecast():
    review("--topic", "rw", input="\n3\n\n3\n")
    code, out, _ = review("--topic", "rw", "--until", "2026-12-01")
    assert code == 0 and "Nothing to review now." in out
    assert "Predicted recall on 2026-12-01 (target 95%)" in out


# -- learning steps within the session


def test_a_card_in_a_learning_step_comes_back_in_the_session():
    # The clock is fixed, so each step (1 or 10 minutes) is within the
    # 20 minutes of learn-ahead once the queue is done.
    code, out, _ = review("--topic", "rw", input="\n1\n" + "\n3\n" * 4)
    assert code == 0
    assert out.count("back in this session") == 3 and out.count("learning · step due") == 3
    assert "Reviewed: 5" in out and "Still in a learning step" not in out
    assert rows("SELECT rating FROM answers ORDER BY id") == [(1,), (3,), (3,), (3,), (3,)]
    with open_store() as st:
        assert {c.state for c in st.cards().values()} == {2}            # both graduated to review


def test_quitting_with_cards_in_a_learning_step_says_so():
    code, out, _ = review("--topic", "rw", input="\n1\nq\n")
    assert code == 0 and "Still in a learning step: 1" in out


# -- the demo key


DEMO_BANK = ROOT / "tests" / "fixtures" / "quiz" / "demo"     # the quiz tests' bank with a demo


@pytest.fixture
def fake_demo(monkeypatch):
    from quizcli import paths

    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: DEMO_BANK / "demos")
    calls = []
    fake = types.ModuleType("quizcli.ui.demo")

    def show_demo(console, demo_id, *, lang, seed, **_):
        calls.append((demo_id, lang, seed))
        console.print("DEMO RAN")

    fake.show_demo = show_demo
    monkeypatch.setitem(sys.modules, "quizcli.ui.demo", fake)
    return calls


def test_demo_key_after_a_right_answer_then_the_rating(fake_demo):
    code, out, _ = run(["review", "--seed", "4", "--lang", "en", "--bank", str(DEMO_BANK / "withdemo.yaml"),
                        "--topic", "withdemo"], input="t\nd\ne\nq\n")
    assert code == 0 and "d run the demo" in out and "fixture_demo" in out
    assert fake_demo == [("fixture_demo", "en", 0)]      # review's --seed orders choices, not demos (#14)
    assert out.index("DEMO RAN") < out.index("Rated easy")         # the rating is still open after the demo
    assert rows("SELECT question_id, rating FROM answers") == [("withdemo-q", 4)]


def test_demo_key_after_a_wrong_answer(fake_demo):
    code, out, _ = run(["review", "--lang", "en", "--bank", str(DEMO_BANK / "withdemo.yaml"),
                        "--topic", "withdemo"], input="f\nd\nq\n")
    assert code == 0 and fake_demo == [("fixture_demo", "en", 0)] and "Rated again" in out
    assert out.index("Rated again") < out.index("DEMO RAN") < out.index("Review summary")


def test_no_demo_no_demo_key():
    code, out, _ = review("--topic", "rv", input="\n3\n" + letters("rv-single") + "\nq\n")
    assert code == 0 and "run the demo" not in out


def test_demo_engine_missing_is_a_message_in_review(monkeypatch):
    from quizcli import paths

    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: DEMO_BANK / "demos")
    monkeypatch.setitem(sys.modules, "quizcli.ui.demo", None)       # import fails
    code, out, _ = run(["review", "--lang", "en", "--bank", str(DEMO_BANK / "withdemo.yaml"),
                        "--topic", "withdemo"], input="f\nd\nq\n")
    assert code == 0 and "Demos cannot run" in out and "Review summary" in out
