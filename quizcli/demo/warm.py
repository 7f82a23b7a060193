"""A warm demo worker for interactive sessions.

Pressing `d` after an answer spawns a demo process that imports torch
first: 1-2 s before the demo's first number, most of a typical demo's wait.
During a quiz, review, interview or practice session the worker does that
import while the candidate reads the first question: a fork server
(forkserver.py) started at a low priority, into which `d` hands the demo.
A demo still runs in a process of its own with its own timeout, forked from
the worker, so a crash or hang never takes the session down, and the worker
serves the session's next demo too.

    with warm.session():            # the command, around its interactive loop
        ...                         # the first question is shown, then
        warm.kick()                 # the first read of the user's keys starts it
        ...
        engine.run_demo(info, server=warm.server())   # the `d` key

The worker

* starts only after the first question is on the screen (`kick` is called
  by the key reader, before it waits for the first line), costing the
  session a fork and exec, then runs its imports at nice +10 in a thread of
  its own (see forkserver.py);
* never starts when torch is not installed (importlib.util.find_spec, which
  imports nothing), where no fork server is possible (not Linux), without a
  terminal (a scripted session types its keys at once: there is no reading
  time to fill), or with QUIZCLI_DEMO_WARM=0; QUIZCLI_DEMO_WARM=1 starts it
  also without a terminal (tests, benchmarks);
* ends with the session: closed when the `with` block ends, however it
  ends; and killed by the kernel if quizcli is killed (lifeline.py).

Standard library only: the quiz process never imports torch.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from typing import Any, Iterator

ENV = "QUIZCLI_DEMO_WARM"
NICE = 10   # low enough to leave the terminal alone, not so low that a busy machine starves it


def wanted(interactive: bool | None = None) -> bool:
    """Whether a session should warm a worker."""
    choice = os.environ.get(ENV, "").strip()
    if choice == "0":
        return False
    from quizcli.demo import forkserver

    if not forkserver.supported() or importlib.util.find_spec("torch") is None:
        return False
    if choice == "1":
        return True
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    return interactive


class Worker:
    """One session's worker: not started until `start`, at most once."""

    def __init__(self) -> None:
        self.server: Any = None        # a forkserver.ForkServer once started
        self.started = False
        self.events: list[str] = []    # what happened, in order ("started", "closed"): for tests

    def start(self) -> bool:
        """Start the worker if the session wants one; True if it runs."""
        if self.started:
            return self.server is not None
        self.started = True
        if not wanted():
            return False
        from quizcli.demo import engine, forkserver

        try:
            self.server = forkserver.ForkServer(env=engine.child_env(), nice=NICE)
        except OSError:
            return False
        self.events.append("started")
        return True

    def usable(self) -> Any:
        """The server, if it is still there to take a demo."""
        if self.server is not None and self.server.alive:
            return self.server
        return None

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.events.append("closed")
        self.server = None


_active: Worker | None = None


@contextlib.contextmanager
def session() -> Iterator[Worker]:
    """The worker of an interactive session, closed when the block ends."""
    global _active
    outer, _active = _active, Worker()
    worker = _active
    try:
        yield worker
    finally:
        _active = outer
        worker.close()


def kick() -> None:
    """The first question is on the screen: start the session's worker (once)."""
    if _active is not None and not _active.started:
        _active.start()


def server() -> Any:
    """The session's warm fork server, or None (no session, not started, or gone)."""
    return _active.usable() if _active is not None else None
