"""`quizcli interview` (#17) end to end: in a pipe, in a real terminal, killed mid-interview, its report."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from cli_run import run
from quizcli import paths

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interview"
CONTENT = FIXTURES / "content"


@pytest.fixture(autouse=True)
def content(monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(CONTENT))
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:00:00Z")


def rows(home: Path) -> list[tuple]:
    db = sqlite3.connect(home / "progress.sqlite3")
    try:
        return db.execute("SELECT question_id, text, points, covered, total, lang FROM interview_answers"
                          " ORDER BY id").fetchall()
    finally:
        db.close()


ANSWER_1 = "In training BN uses the batch mean and variance.\nAt inference it uses running averages.\n\n"


def test_pipe_accepts_the_matchers_marks(_isolated_user_dir, tmp_path):
    report = tmp_path / "r.md"
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4", "--lang", "en", "--report", str(report)],
                         input=ANSWER_1 + "It smooths the loss landscape.\n\n")
    assert code == 0, err
    assert "Question 1" in out and "2/3 key points · rated hard for review" in out
    assert "Follow-up: norm-iv-why-not-ics" in out                # running-avg covered leads deeper
    assert "1/3 key points · rated again for review" in out
    assert out.index("Model answer") > out.index("Question 2")    # the debrief comes after the follow-up
    assert "Interview report" in out and "Weakest points" in out and "quizcli review --tag bn" in out
    got = rows(_isolated_user_dir)
    assert [(r[0], r[3], r[4], r[5]) for r in got] == [("norm-iv-train-vs-test", 2, 3, "en"),
                                                       ("norm-iv-why-not-ics", 1, 3, "en")]
    assert got[0][1] == ANSWER_1.strip()
    md = report.read_text(encoding="utf-8")
    assert md.startswith("# Interview report") and "| norm\\-iv\\-train\\-vs\\-test | 2/3 |" not in md
    assert "| norm-iv-train-vs-test | 2/3 |" in md and "- [x] Training normalizes" in md


def test_pipe_confirmation_line_overrides_the_marks(_isolated_user_dir):
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4", "--lang", "en"],
                         input=ANSWER_1 + "!2\n" + "s\n")
    assert code == 0, err
    [row] = rows(_isolated_user_dir)
    assert json.loads(row[2]) == [{"id": "batch-stats", "auto": True, "covered": True},
                                  {"id": "running-avg", "auto": True, "covered": False},
                                  {"id": "independent", "auto": False, "covered": False}]
    assert "Follow-up: norm-iv-batch-one" not in out      # batch-stats covered: no missed-point follow-up
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4"], input="anything\n\n!n\nq\n")
    assert code == 0 and rows(_isolated_user_dir)[-1][3] == 0


def test_chinese_interview(_isolated_user_dir):
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4", "--lang", "zh"],
                         input="训练时用当前 batch 的均值和方差，推理时用滑动平均。\n\nq\n")
    assert code == 0, err
    assert "BN 在训练和推理时有什么不同？" in out and "2/3 个要点" in out and "面试报告" in out
    assert rows(_isolated_user_dir)[0][5] == "zh"


def test_eof_mid_answer_keeps_confirmed_answers_and_reports(_isolated_user_dir):
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4"], input="batch mean only")
    assert code == 0, err
    assert len(rows(_isolated_user_dir)) == 1        # Ctrl-D ends the answer; the marks are accepted
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4"], input="")
    assert code == 0 and "No question was answered." in out


def test_no_open_questions_is_a_clear_error(monkeypatch):
    code, out, err = run(["interview", "--tag", "pytorch", "--topic", "norm", "--minutes", "1", "--seed", "1"],
                         input="q\n")
    assert code == 0      # norm-iv-train-vs-test has the tag
    code, out, err = run(["interview", "--tag", "optimization", "--topic", "nope"])
    assert code == 4 and "unknown topic" in err


def test_report_escapes_bank_text(_isolated_user_dir, tmp_path, monkeypatch):
    report = tmp_path / "evil.md"
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4", "--report", str(report),
                          "--bank", str(FIXTURES / "hostile" / "evil.yaml"), "--topic", "evil"],
                         input="[red]typed[/red] <b>x</b>\n\n")
    assert code == 0, err
    assert "[bold red]this[/]" in out and "\x1b[31m" not in out and "\\x1b[31m" in out
    md = report.read_text(encoding="utf-8")
    assert "<script>" not in md and "<b>" not in md and "<img" not in md and "\x1b" not in md
    assert "&lt;script&gt;" in md and "\\[red\\]x\\[/red\\]" in md and "\\| " in md
    assert "!\\[img\\](http" in md and "![img](" not in md          # no image, no link
    assert "\\[red\\]typed\\[/red\\] &lt;b&gt;x&lt;/b&gt;" in md        # what was typed, escaped too


def test_report_to_an_unwritable_place_is_an_error_not_a_traceback(_isolated_user_dir, tmp_path):
    code, out, err = run(["interview", "--seed", "1", "--minutes", "4", "--report", str(tmp_path / "no" / "r.md")],
                         input="batch mean\n\n")
    assert code == 3 and "cannot write the report" in err and "answers are saved" in err
    assert len(rows(_isolated_user_dir)) == 1


def test_editor_key(_isolated_user_dir, tmp_path, monkeypatch):
    editor = tmp_path / "ed.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('GroupNorm instead of BN.\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.setenv(paths.ENV_CONTENT, str(CONTENT))
    code, out, err = run(["interview", "--seed", "2", "--minutes", "4", "--topic", "norm", "--tag", "bn"],
                         input="e\n\nq\n")
    assert code == 0, err
    assert any("GroupNorm instead of BN." == r[1] for r in rows(_isolated_user_dir))


def test_stats_shows_interviews_per_topic(_isolated_user_dir):
    run(["interview", "--seed", "1", "--minutes", "4"], input="batch mean\n\nq\n")
    code, out, err = run(["stats"])
    assert code == 0 and "Interviews: key points covered per topic" in out and "1/3" in out
    code, out, err = run(["stats", "--json"])
    assert json.loads(out)["interviews"] == [{"topic": "norm", "interviews": [
        {"date": "2026-11-26", "covered": 1, "total": 3}]}]


def test_interview_questions_come_back_in_review(_isolated_user_dir, monkeypatch):
    run(["interview", "--seed", "1", "--minutes", "4"], input="nothing useful\n\nq\n")      # rated again
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:30:00Z")
    code, out, err = run(["review", "--topic", "norm", "--new", "0"], input="\n3\nq\n")
    assert code == 0, err
    assert "How does BatchNorm behave differently" in out and "Key points" in out


# --- a real terminal ------------------------------------------------------------------

pexpect = pytest.importorskip("pexpect")


def spawn(home: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env.update(QUIZCLI_CONTENT=str(CONTENT), QUIZCLI_HOME=str(home), TERM="xterm-256color", LANG="en_US.UTF-8",
               NO_COLOR="1")
    return pexpect.spawn(sys.executable, ["-m", "quizcli", "interview", "--seed", "1", "--lang", "en", *args],
                         env=env, encoding="utf-8", timeout=30, dimensions=(50, 100))


def test_a_whole_interview_in_a_terminal(_isolated_user_dir):
    child = spawn(_isolated_user_dir, "--minutes", "4")
    child.expect("How does BatchNorm behave differently")
    child.expect("> ")
    child.sendline("In training BN uses the batch statistics,")
    child.sendline("and at inference the running mean.")
    child.sendline("")
    child.expect(r"\? ")                        # the marks, waiting for the candidate's word
    child.sendline("3")                         # toggle point 3 on: "independent"
    child.expect(r"\[✓\](\x1b\[0m)? At inference each sample")   # shown again, point 3 now marked
    child.expect(r"\? ")
    child.sendline("")                          # accept
    child.expect("3/3 key points · rated good")
    child.expect("Why does BatchNorm help optimization")
    child.expect("> ")
    child.sendline("It smooths the landscape.")
    child.sendeof()                              # Ctrl-D ends the answer
    child.expect(r"\? ")
    child.sendline("")
    child.expect("1/3 key points")
    child.expect("Model answer")
    child.expect("d run the demo")              # train-vs-test has a demo; Enter goes on
    child.sendline("")
    child.expect("Interview report")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    got = rows(_isolated_user_dir)
    assert [(r[0], r[3]) for r in got] == [("norm-iv-train-vs-test", 3), ("norm-iv-why-not-ics", 1)]


def test_kill_mid_interview_keeps_the_confirmed_answer(_isolated_user_dir):
    import signal

    child = spawn(_isolated_user_dir, "--minutes", "20")
    child.expect("> ")
    child.sendline("batch mean in training")
    child.sendline("")
    child.expect(r"\? ")
    child.sendline("")
    child.expect("rated")                       # confirmed and recorded
    child.expect("> ")                          # the next question waits
    child.sendline("half an answer that is never fin")
    child.kill(signal.SIGKILL)
    child.close(force=True)
    got = rows(_isolated_user_dir)
    assert [(r[0], r[1], r[3]) for r in got] == [("norm-iv-train-vs-test", "batch mean in training", 1)]
    db = sqlite3.connect(_isolated_user_dir / "progress.sqlite3")
    assert db.execute("SELECT count(*) FROM cards WHERE question_id = 'norm-iv-train-vs-test'").fetchone() == (1,)
    db.close()
