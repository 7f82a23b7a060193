"""The warm demo worker of a session (quizcli.demo.warm) and the lifeline of
demo processes (quizcli.demo.lifeline).

What the issue asks of the worker, each shown by events or by the processes
that are there, never by timings: it starts only once the first question
is on the screen and does its imports after that; `d` hands it the demo;
it never starts without torch (or without a terminal, unless asked); and no
process outlives the session, whether it ends with q, Ctrl-C or a SIGKILL of
quizcli itself, with or without a demo running.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from quizcli.demo import engine, forkserver, registry, warm

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
needs_fork = pytest.mark.skipif(not forkserver.supported(), reason="no fork server on this platform")
needs_torch = pytest.mark.skipif(warm.importlib.util.find_spec("torch") is None, reason="torch is not installed")


# --- processes, read from /proc --------------------------------------------------------


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")   # a zombie has ended, it only waits to be reaped


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None and st[1] == pid and _alive(int(entry)):
                found.append(int(entry))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _wait_for(predicate, what: str, limit: float = 120.0):
    """Poll until `predicate()` is truthy (a generous limit: the machine may be busy)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"still waiting after {limit:g} s: {what}")


def _worker_of(pid: int) -> int | None:
    for child in _children(pid):
        if "quizcli.demo.forkserver" in _cmdline(child):
            return child
    return None


# --- when it starts ---------------------------------------------------------------------


def test_wanted_only_with_torch_a_fork_server_and_a_terminal(monkeypatch):
    monkeypatch.delenv(warm.ENV, raising=False)
    monkeypatch.setattr(forkserver, "supported", lambda: True)
    real = warm.importlib.util.find_spec
    monkeypatch.setattr(warm.importlib.util, "find_spec", lambda name, *a: object() if name == "torch" else real(name, *a))
    assert warm.wanted(interactive=True)
    assert not warm.wanted(interactive=False)          # a pipe types its keys at once: nothing to hide
    monkeypatch.setenv(warm.ENV, "1")
    assert warm.wanted(interactive=False)
    monkeypatch.setenv(warm.ENV, "0")
    assert not warm.wanted(interactive=True)
    monkeypatch.setenv(warm.ENV, "1")
    monkeypatch.setattr(warm.importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    assert not warm.wanted(interactive=True)           # no torch: no worker, ever
    monkeypatch.setattr(warm.importlib.util, "find_spec", real)
    monkeypatch.setattr(forkserver, "supported", lambda: False)
    assert not warm.wanted(interactive=True)


def test_no_worker_is_started_without_torch(monkeypatch):
    from cli_run import run  # tests/ is on sys.path

    monkeypatch.setenv(warm.ENV, "1")
    real = warm.importlib.util.find_spec
    monkeypatch.setattr(warm.importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    spawned = []
    monkeypatch.setattr(forkserver, "ForkServer", lambda *a, **k: spawned.append(a) or pytest.fail("spawned"))
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "content"))
    code, out, _ = run(["quiz", "--seed", "1", "--lang", "en", "-n", "1"], input="q\n")
    assert code == 0 and "Summary" in out
    assert spawned == []


def test_no_worker_outside_a_session():
    warm.kick()                      # no session: nothing to start
    assert warm.server() is None


@needs_fork
@needs_torch
def test_the_first_question_is_shown_before_the_worker_starts_and_imports(monkeypatch):
    """The order of events in a real quiz: the first question is rendered,
    then the worker is spawned (from the key reader, before it waits), then
    the worker reports its imports done. Nothing of the worker's runs before
    the question is on the screen."""
    from quizcli.ui import keys
    from quizcli.ui import quiz as ui_quiz
    from cli_run import run  # tests/ is on sys.path

    monkeypatch.setenv(warm.ENV, "1")
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "content"))
    events: list[str] = []

    real_render = ui_quiz.render_question

    def render_question(console, item, total, lang, **kw):
        real_render(console, item, total, lang, **kw)
        events.append("question shown")

    monkeypatch.setattr(ui_quiz, "render_question", render_question)

    real_init = forkserver.ForkServer.__init__

    def init(self, *a, **k):
        events.append("worker spawned")
        real_init(self, *a, **k)

    monkeypatch.setattr(forkserver.ForkServer, "__init__", init)

    def reader(console):
        def read(prompt):
            server = warm.server()
            assert server is not None, "the first read should have started the worker"
            assert not server.ready
            events.append("reading")
            assert server.wait_ready(180), "the worker did not finish its imports"
            events.append("worker imported torch")
            return "q"
        return read

    monkeypatch.setattr(keys, "echoing_reader", reader)
    code, out, _ = run(["quiz", "--seed", "1", "--lang", "en", "-n", "2"])
    assert code == 0, out
    assert events == ["question shown", "worker spawned", "reading", "worker imported torch"], events


@needs_fork
@needs_torch
def test_d_hands_the_demo_to_the_worker_which_forks_it_at_normal_priority(tmp_path):
    """A demo run through a warm (niced) worker is forked from it, gives the
    spawned run's numbers, and runs at the caller's priority, not the worker's."""
    demo = tmp_path / "demos" / "fx_priority.py"
    demo.parent.mkdir()
    demo.write_text(textwrap.dedent('''
        import os
        from quizcli.demo.api import Check, DemoResult, Table

        META = {"id": "fx_priority", "title": {"en": "t", "zh": "t"}, "claim": {"en": "c", "zh": "c"},
                "claims": ["bn_param_count_2c"], "verdict": "true", "treatment": {"en": "t", "zh": "t"},
                "long": False}

        def run(ctx):
            import torch
            nice = os.nice(0)
            return DemoResult(settings={"nice": nice, "x": float(torch.ones(3).sum())},
                              table=Table(["n"], [[nice]]), checks=[Check("ran", 1, ">", 0)],
                              finding={"en": "f", "zh": "f"})
    '''))
    info = registry.DemoInfo(id="fx_priority", path=demo, title={"en": "t"}, claim={"en": "c"}, claims=(),
                             verdict="true", treatment={"en": "t"})
    server = forkserver.ForkServer(env=engine.child_env(), nice=warm.NICE)
    try:
        forked = engine.run_demo(info, device="cpu", server=server, timeout=180)
    finally:
        server.close()
    spawned = engine.run_demo(info, device="cpu", timeout=180)
    assert forked.forked and forked.status == engine.OK, forked.message
    assert forked.result.settings["nice"] == os.nice(0) == spawned.result.settings["nice"]
    assert forked.result.to_dict() == spawned.result.to_dict()


# --- no process left behind -------------------------------------------------------------


def _spawn_quiz(tmp_path, *args: str):
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", warm.ENV)}
    env.update(QUIZCLI_CONTENT=str(FIXTURES / "content"), TERM="xterm-256color", LANG="en_US.UTF-8",
               NO_COLOR="1")
    return pexpect.spawn(sys.executable, ["-m", "quizcli", "quiz", "--seed", "1", "--lang", "en", *args],
                         env=env, encoding="utf-8", timeout=60, dimensions=(40, 100), cwd=str(tmp_path))


@needs_fork
@needs_torch
@pytest.mark.parametrize("how", ["quit", "ctrl-c", "kill-9"])
def test_the_worker_ends_with_the_session(tmp_path, how):
    """In a real terminal (no QUIZCLI_DEMO_WARM: a terminal session warms a
    worker by itself), the worker is there while the first question waits
    for an answer, and gone once the session has ended, however it ended."""
    pexpect = pytest.importorskip("pexpect")
    child = _spawn_quiz(tmp_path, "--topic", "fx", "-n", "2")
    try:
        child.expect("> ")
        worker = _wait_for(lambda: _worker_of(child.pid), "the worker to start")
        if how == "quit":
            child.sendline("q")
            child.expect("Summary")
            child.expect(pexpect.EOF)
        elif how == "ctrl-c":
            child.sendintr()
            child.expect("Summary")
            child.expect(pexpect.EOF)
        else:
            os.kill(child.pid, signal.SIGKILL)
        _wait_for(lambda: not _alive(worker), f"worker {worker} to end after {how}", limit=60)
    finally:
        child.close(force=True)


@needs_fork
@needs_torch
def test_kill_9_during_a_demo_leaves_neither_the_worker_nor_the_demo(tmp_path):
    """SIGKILL of quizcli while the warm worker runs a demo: the kernel ends
    the worker, and the worker's end ends the demo (lifeline.py)."""
    bank = tmp_path / "bank"
    (bank / "demos").mkdir(parents=True)
    (bank / "slow.yaml").write_text((FIXTURES / "demo" / "withdemo.yaml").read_text().replace(
        "id: withdemo\n", "id: slow\n").replace("withdemo-q", "slow-q").replace("fixture_demo", "fx_sleep"))
    (bank / "demos" / "fx_sleep.py").write_text(textwrap.dedent('''
        import time

        META = {"id": "fx_sleep", "title": {"en": "Sleeps", "zh": "睡"}, "claim": {"en": "c", "zh": "c"},
                "claims": ["bn_param_count_2c"], "verdict": "true", "treatment": {"en": "t", "zh": "t"},
                "long": False}

        def run(ctx):
            ctx.progress(0.1, "sleeping")
            time.sleep(600)
    '''))
    from cli_run import run  # tests/ is on sys.path

    code, out, _ = run(["bank", "trust", str(bank / "demos")])
    assert code == 0, out
    child = _spawn_quiz(tmp_path, "--bank", str(bank / "slow.yaml"), "--topic", "slow")
    try:
        child.expect("> ")
        worker = _wait_for(lambda: _worker_of(child.pid), "the worker to start")
        child.sendline("t")
        child.expect("run the demo")
        child.sendline("d")
        demo = _wait_for(lambda: _children(worker), "the demo to be forked from the worker", limit=240)[0]
        os.kill(child.pid, signal.SIGKILL)
        _wait_for(lambda: not _alive(worker), "the worker to end", limit=60)
        _wait_for(lambda: not _alive(demo), "the demo to end", limit=60)
    finally:
        child.close(force=True)
