"""Grading a candidate's file: the grader runs in a child process.

    grade(candidate_file, exercise_files) -> Grade

The child (quizcli.exercise.child) is `python -I -B`: isolated (the working
folder is not on sys.path, PYTHON* variables are ignored), no bytecode
written beside the candidate's file. It has a wall-clock timeout, an
address-space limit (RLIMIT_AS, on Linux), its stdout and stderr sent to
/dev/null (prints are captured in the child, capped), and reports each test
as a JSON line on its own pipe. A crash, hang, memory blow-up, NaN, sys.exit
or print flood in the candidate's code is a failed test with a message,
never an exception here. Standard library only: torch is imported by the
child. `prepare` starts the next grading's child ahead of time (it imports
torch while the candidate edits); each child grades one job and exits.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

from quizcli.errors import ExitCode, QuizcliError
from quizcli.exercise.folders import ExerciseFiles, is_trusted
from quizcli.i18n import ENV_VAR, N_, _, current

TIMEOUT_S = 60.0          # the whole grading, torch's import included
TEST_TIMEOUT_S = 10.0     # one test (a grader may set TEST_TIMEOUT)
MEMORY_MB = 1024          # address space the candidate may add to what the child holds after importing torch
INSTALL_HINT = N_("install the demos extra: pip install 'quizcli[demos]' (see the README, \"Quick start\")")

_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)
# -I leaves quizcli's own folder off sys.path too: put it back, and nothing else.
_BOOT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
         "from quizcli.exercise.child import main; main()")


class TestResult(NamedTuple):
    __test__ = False     # not a pytest test class
    name: str
    doc: str
    passed: bool
    message: str


class Grade(NamedTuple):
    tests: tuple[TestResult, ...]
    error: str                # a problem outside the tests (does not compile, crashed, timed out); "" if none
    seconds: float
    output: str = ""          # the first characters the candidate's code printed
    output_chars: int = 0     # how many it printed in all

    @property
    def passed(self) -> bool:
        return not self.error and bool(self.tests) and all(t.passed for t in self.tests)

    @property
    def counts(self) -> tuple[int, int]:
        return sum(t.passed for t in self.tests), len(self.tests)


class MissingTorch(QuizcliError):
    exit_code = ExitCode.MISSING_EXTRA


class UntrustedExercise(QuizcliError):
    exit_code = ExitCode.FAILURE


def check_can_run(ex: ExerciseFiles) -> None:
    """Torch is installed, and the exercise's code may run (built-in, or a trusted user bank)."""
    if os.name == "nt":
        raise QuizcliError(_("code exercises are graded on Linux and macOS only, for now"),
                           hint=_("the grader's process limits and pipes are POSIX; use WSL on Windows"))
    if importlib.util.find_spec("torch") is None:
        raise MissingTorch(_("PyTorch is not installed, so code exercises cannot be graded"), hint=_(INSTALL_HINT))
    if not is_trusted(ex):
        raise UntrustedExercise(
            _("exercise {name} comes with the bank {bank}, whose demos you have not trusted (or that changed since); "
              "its grader and reference solution are code from the bank's author").format(name=repr(ex.name),
                                                                                          bank=ex.bank),
            hint=_("if you trust its author, run `quizcli bank trust {bank}`").format(bank=ex.bank))


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return _("signal {code}").format(code=code)


class Prepared:
    """A grading child started ahead of time: it imports torch while the candidate
    edits, then waits for its job. Used once; `close` lets an unused one go."""

    def __init__(self, cwd: Path) -> None:
        self.proc, self.r = _spawn(cwd)

    def usable(self) -> bool:
        return self.r >= 0 and self.proc.poll() is None

    def take(self) -> tuple[subprocess.Popen, int]:
        proc, r = self.proc, self.r
        self.r = -1
        return proc, r

    def close(self) -> None:
        if self.r < 0:
            return
        proc, r = self.take()
        _stop(proc)
        os.close(r)


def prepare(cwd: Path) -> Prepared | None:
    """A child for the next grading (None where grading cannot run here: it will say why then)."""
    if os.name == "nt" or importlib.util.find_spec("torch") is None:
        return None
    return Prepared(cwd)


def _spawn(cwd: Path) -> tuple[subprocess.Popen, int]:
    r, w = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-c", _BOOT, _PACKAGE_PARENT, str(w)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(w,), cwd=str(cwd), start_new_session=True,
            env={**os.environ, ENV_VAR: current()},   # the child's messages in the interface's language
        )
    except BaseException:
        os.close(r)
        raise
    finally:
        os.close(w)
    return proc, r


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    proc.wait()


def grade(candidate: Path, ex: ExerciseFiles, *, timeout: float = TIMEOUT_S, test_timeout: float = TEST_TIMEOUT_S,
          memory_mb: int = MEMORY_MB, prepared: Prepared | None = None) -> Grade:
    """Run the exercise's grader on the candidate's file (in `prepared`'s child, when it is usable)."""
    return grade_many([candidate], ex, timeout=timeout, test_timeout=test_timeout, memory_mb=memory_mb,
                      prepared=prepared)[0]


def grade_many(candidates: list[Path], ex: ExerciseFiles, *, timeout: float = TIMEOUT_S,
               test_timeout: float = TEST_TIMEOUT_S, memory_mb: int = MEMORY_MB,
               prepared: Prepared | None = None) -> list[Grade]:
    """Grade several files in one child, one after the other (torch imported once: the test suite's way).

    `timeout` is for the whole batch. A child that dies ends the grades of the files not yet done.
    """
    check_can_run(ex)
    job = {"grader": str(ex.grader), "reference": str(ex.solution),
           "candidates": [str(Path(c).resolve()) for c in candidates], "test_timeout": test_timeout,
           "memory_mb": memory_mb}
    start = time.monotonic()
    if prepared is not None and prepared.usable():
        proc, r = prepared.take()
    else:
        if prepared is not None:
            prepared.close()
        proc, r = _spawn(Path(candidates[0]).resolve().parent)
    events: list[dict] = []
    timed_out = False
    try:
        try:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(job).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        buf = b""
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready = select.select([r], [], [], left)[0]
            if not ready:
                continue
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass
    finally:
        os.close(r)
        _stop(proc)
    seconds = time.monotonic() - start
    return [_collect(events, i, proc.returncode, timed_out, timeout, seconds) for i in range(len(candidates))]


def _collect(events: list[dict], index: int, returncode: int, timed_out: bool, timeout: float,
             seconds: float) -> Grade:
    """Candidate `index`'s grade from the child's events."""
    names: list[tuple[str, str]] = []
    results: dict[str, TestResult] = {}
    error, output, output_chars, done = "", "", 0, False
    for e in events:
        kind, i = e.get("event"), e.get("i", index)
        if kind == "tests":
            names = [(str(n), str(d)) for n, d in e.get("tests", [])]
        elif kind == "test" and i == index:
            name = str(e.get("name"))
            results[name] = TestResult(name, dict(names).get(name, ""), bool(e.get("passed")), str(e.get("message", "")))
        elif kind == "error" and i == index:
            error = str(e.get("message", ""))
        elif kind == "done":
            done = True
            output, output_chars = str(e.get("output", "")), int(e.get("output_chars", 0))
    if error and names and not results:
        # The file could not be loaded (or the exercise is broken): every test fails with that.
        return Grade(tuple(TestResult(n, d, False, error) for n, d in names), error, seconds, output, output_chars)
    stopped = ""
    if timed_out:
        stopped = _("stopped after {seconds} s: the code ran too long (an endless loop, or a call that never "
                    "returns?)").format(seconds=f"{timeout:g}")
    elif not done:
        if returncode < 0:
            sig = _signal_name(-returncode)
            stopped = _("the grading process was killed by {signal}").format(signal=sig) + (
                _(" (out of memory?)") if sig == "SIGKILL" else _(" (a crash in native code?)") if sig == "SIGSEGV"
                else "")
        else:
            stopped = _("the grading process exited with status {status} in the middle of a test (os._exit?)").format(
                status=returncode)
    tests = []
    first_missing = True
    for name, doc in names:
        if name in results:
            tests.append(results[name])
        elif stopped:
            tests.append(TestResult(name, doc, False, stopped if first_missing else _("not run")))
            first_missing = False
        else:
            tests.append(TestResult(name, doc, False, _("not run")))
    if stopped and not names:
        error = error or stopped
    return Grade(tuple(tests), error, seconds, output, output_chars)
