"""The grading runner survives what a candidate's code can do: every case is a
failed test (or a grade-level error) with a message, never an exception here."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

pytest.importorskip("torch")

from quizcli.exercise import folders, runner  # noqa: E402

EX = folders.locate("bn_forward_eval", "", builtin=True)
HEAD = "import torch\n\n\ndef batchnorm_eval(x, gamma, beta, running_mean, running_var, eps=1e-5):\n"
RIGHT = ("shape = [1, -1] + [1] * (x.dim() - 2)\n"
         "return (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps) * gamma.view(shape)"
         " + beta.view(shape)\n")


def failing(g: runner.Grade) -> str:
    """The message of the first test that failed (test_own_code, the FORBIDDEN check, comes first and passes)."""
    return next(t.message for t in g.tests if not t.passed)


def write(tmp_path: Path, name: str, body: str, head: str = HEAD) -> Path:
    p = tmp_path / f"{name}.py"
    p.write_text(head + textwrap.indent(textwrap.dedent(body), "    ") if head else textwrap.dedent(body),
                 encoding="utf-8")
    return p


def test_well_behaved_failures_in_one_child(tmp_path):
    files = {
        "nan": write(tmp_path, "nan", "return x * float('nan')\n"),
        "exit": write(tmp_path, "exit", "import sys\nsys.exit(3)\n"),
        "raises": write(tmp_path, "raises", "return x.mean(dim=7)\n"),
        "memory": write(tmp_path, "memory", "big = [0] * (10 ** 10)\nreturn x\n"),
        "flood": write(tmp_path, "flood", "for _ in range(200000):\n    print('spam' * 20)\n" + RIGHT),
        "syntax": write(tmp_path, "syntax", "return x +\n"),
        "noentry": write(tmp_path, "noentry", "def something_else(x):\n    return x\n", head=""),
        "wrongtype": write(tmp_path, "wrongtype", "return [1, 2, 3]\n"),
        "mutates": write(tmp_path, "mutates", "x.zero_()\nreturn x\n"),
        "right": write(tmp_path, "right", RIGHT),
    }
    grades = dict(zip(files, runner.grade_many(list(files.values()), EX, timeout=120)))
    first = {k: failing(g) for k, g in grades.items() if not g.passed}
    assert "NaN or infinite" in first["nan"]
    assert "sys.exit(3)" in first["exit"] and "line 6" in first["exit"]
    assert "IndexError" in first["raises"] and "line 5" in first["raises"] and "x.mean(dim=7)" in first["raises"]
    assert "out of memory" in first["memory"]
    assert "does not compile" in grades["syntax"].error and "line 5" in grades["syntax"].error
    assert all(not t.passed for t in grades["syntax"].tests)
    assert "no function `batchnorm_eval`" in grades["noentry"].error
    assert "expected a torch.Tensor, got list" in first["wrongtype"]
    assert not grades["mutates"].passed
    # A print flood is captured and capped, and does not stop a right answer from passing.
    assert grades["flood"].passed and grades["flood"].output_chars > 1_000_000
    assert len(grades["flood"].output) <= 2000
    assert grades["right"].passed
    for k, g in grades.items():
        if k not in ("flood", "right"):
            assert not g.passed, k


def test_hang_is_stopped(tmp_path):
    hang = write(tmp_path, "hang", "while True:\n    pass\n")
    g = runner.grade(hang, EX, test_timeout=1.5, timeout=60)
    assert not g.passed and "took more than 1.5 s" in failing(g)


def test_hang_that_ignores_the_alarm_is_killed(tmp_path):
    hang = write(tmp_path, "hang", "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                   "while True:\n    time.sleep(1)\n")
    g = runner.grade(hang, EX, test_timeout=1, timeout=8)
    assert not g.passed and "stopped after 8 s" in failing(g)
    rest = [t for t in g.tests if not t.passed][1:]
    assert rest and all(t.message == "not run" for t in rest)


def test_crash_and_hard_exit(tmp_path):
    crash = write(tmp_path, "crash", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    g = runner.grade(crash, EX, timeout=60)
    assert not g.passed and "SIGSEGV" in failing(g)
    hard = write(tmp_path, "hard", "import os\nos._exit(0)\n")
    g = runner.grade(hard, EX, timeout=60)
    assert not g.passed and "exited with status 0" in failing(g)


def test_no_bytecode_next_to_the_candidate_and_cwd_not_on_path(tmp_path):
    (tmp_path / "torch.py").write_text("raise SystemExit('the working folder was imported')\n")
    right = write(tmp_path, "right", RIGHT)
    g = runner.grade(right, EX, timeout=60)
    assert g.passed, g
    assert not (tmp_path / "__pycache__").exists()


def test_untrusted_user_exercise_does_not_run(tmp_path):
    bank = tmp_path / "mine.yaml"
    bank.write_text("")
    ex = folders.locate("x", bank, builtin=False)
    with pytest.raises(runner.UntrustedExercise) as err:
        runner.grade(tmp_path / "cand.py", ex)
    assert "quizcli bank trust" in (err.value.hint or "")


def test_missing_torch(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(runner.MissingTorch) as err:
        runner.grade(tmp_path / "x.py", EX)
    assert err.value.exit_code == 6 and "quizcli[demos]" in err.value.hint


def test_a_child_prepared_ahead_grades_and_an_unused_one_goes(tmp_path):
    right = write(tmp_path, "right", RIGHT)
    prepared = runner.prepare(tmp_path)
    assert prepared is not None and prepared.usable()
    g = runner.grade(right, EX, prepared=prepared, timeout=60)
    assert g.passed and not prepared.usable()          # used once
    spare = runner.prepare(tmp_path)
    proc = spare.proc
    spare.close()
    assert proc.poll() is not None and not spare.usable()
    # A prepared child that died is replaced by a fresh one.
    dead = runner.prepare(tmp_path)
    dead.proc.kill()
    dead.proc.wait()
    assert runner.grade(right, EX, prepared=dead, timeout=60).passed
