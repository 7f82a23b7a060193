"""Running a demo apart from the calling process, with a timeout.

Standard library only: the quiz process never imports torch. A demo runs in
a child process (`python -m quizcli.demo.runner`) that streams JSON lines
back (see runner.py); a crash, a hang or a NaN in the child ends as a
DemoOutcome with a clear message, never as an exception in the caller.
`run_many` forks those children from one fork server per job, which imports
torch once (see forkserver.py), where the platform allows it.

The verdict follows from the checks: when every check passes it is the
META verdict; when one fails it is NOT_REPRODUCED, never the stored verdict.
"""

from __future__ import annotations

import json
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from quizcli.demo.api import NOT_REPRODUCED, DemoResult
from quizcli.demo.contract import (DEVICES, ERROR, FAILED_CHECKS, INSTALL_HINT, INTERRUPTED, MISSING_TORCH,  # noqa: F401
                                   MISSING_TORCH_MESSAGE, NAN, OK, STATUSES, TIMEOUT, nan_fields, result_problems)
from quizcli.demo.registry import DemoInfo
from quizcli.i18n import _, lang_text

# Generous: a quick demo takes about 5 s alone, but `verify --jobs N` on a
# busy 2-core machine can stretch that several times over.
DEFAULT_TIMEOUT_S = 90.0
DEFAULT_LONG_TIMEOUT_S = 600.0

ProgressFn = Callable[[float, str], None]


@dataclass
class DemoOutcome:
    """How one run of a demo ended, with its result when it produced one."""

    demo_id: str
    status: str
    message: str                      # one line for the user; "" when ok
    verdict: str | None               # META verdict, NOT_REPRODUCED, or None (no result)
    result: DemoResult | None
    elapsed_s: float                  # wall time in the caller; torch's import included unless forked
    seed: int = 0
    device: str = "auto"              # as requested
    device_used: str | None = None    # as resolved by the runner
    treatment: bool = True
    run_s: float | None = None        # time inside run() alone
    info: DemoInfo | None = field(default=None, repr=False)
    stderr_tail: str = field(default="", repr=False)
    traceback: str = field(default="", repr=False)
    forked: bool = False              # run by a fork server, torch already imported
    cached_at: str | None = None      # from the results cache (demo/cache.py): when it was measured, ISO 8601

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN and infinities become null)."""
        data = {
            "id": self.demo_id, "status": self.status, "message": self.message,
            "verdict": self.verdict, "meta_verdict": self.info.verdict if self.info else None,
            "elapsed_s": round(self.elapsed_s, 3),
            "run_s": None if self.run_s is None else round(self.run_s, 3),
            "seed": self.seed, "device": self.device, "device_used": self.device_used,
            "treatment": self.treatment, "forked": self.forked, "cached_at": self.cached_at,
            "meta": self.info.to_dict() if self.info else None,
            "result": self.result.to_dict() if self.result else None,
        }
        return json_safe(data)


def json_safe(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) with None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


# --- judging a result -------------------------------------------------------------


def judge(info: DemoInfo | None, result: DemoResult) -> tuple[str, str, str]:
    """(status, verdict, message) for a valid result."""
    nans = nan_fields(result)
    if nans:
        return NAN, NOT_REPRODUCED, _("the demo produced NaN in {fields}").format(fields="; ".join(nans[:5]))
    if result.all_passed:
        return OK, info.verdict if info else "", ""
    failed = [lang_text(c.name) for c in result.checks if not c.passed]
    return FAILED_CHECKS, NOT_REPRODUCED, _("not reproduced in this run: failed {checks}").format(
        checks=_("; ").join(repr(n) for n in failed))


# --- running in a child process ---------------------------------------------------


def timeout_for(info: DemoInfo) -> float:
    if info.timeout:
        return float(info.timeout)
    return DEFAULT_LONG_TIMEOUT_S if info.long else DEFAULT_TIMEOUT_S


def runner_args(path: Path, *, seed: int, device: str, treatment: bool) -> list[str]:
    args = [str(path), "--seed", str(seed), "--device", device]
    if not treatment:
        args.append("--no-treatment")
    return args


def runner_command(path: Path, *, seed: int, device: str, treatment: bool) -> list[str]:
    from quizcli.demo.launch import python_command   # isolated: nothing from the current folder

    return python_command("quizcli.demo.runner", *runner_args(path, seed=seed, device=device, treatment=treatment))


# QUIZCLI_DEMO_FORK=0 spawns a process per demo even where a fork server
# could run them (to compare, or to rule the server out); 1 forks even for
# a handful of demos. Unset: fork when it saves time.
FORK_ENV = "QUIZCLI_DEMO_FORK"
# Set for a spawned runner: the pid it dies with (lifeline.py). A forked
# child does the same with its fork server.
PARENT_ENV = "QUIZCLI_DEMO_PARENT"


def use_fork_server(n_demos: int, jobs: int) -> bool:
    """Whether run_many should fork its demos from fork servers.

    A server pays for one torch import and saves one per demo after its
    first, so it pays off once a job runs two demos or more.
    """
    from quizcli.demo import forkserver

    choice = os.environ.get(FORK_ENV, "").strip()
    if choice == "0" or not forkserver.supported():
        return False
    return choice == "1" or n_demos > max(1, jobs)


def _kill(proc: Any) -> None:
    if proc.poll() is not None:
        return
    if not isinstance(proc, subprocess.Popen):   # a forked child: its server stops it
        proc.kill()
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)   # the child leads its own group
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def run_demo(
    demo: str | DemoInfo,
    *,
    seed: int = 0,
    device: str = "auto",
    treatment: bool = True,
    timeout: float | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    server: Any = None,
) -> DemoOutcome:
    """Run one demo in a child process and report how it ended.

    Looking the demo up may raise NotFoundError or DemoMetaError, and an
    untrusted user demo raises UntrustedDemoError; everything the demo
    itself does (raise, hang, NaN, missing torch) ends in the outcome.
    KeyboardInterrupt (or setting `cancel`) stops the child and ends as
    INTERRUPTED. With a `server` (a forkserver.ForkServer) the child is
    forked from it, and spawned as usual if the server cannot.
    """
    from quizcli.demo import registry

    info = registry.load_demo(demo) if isinstance(demo, str) else demo
    if info.blocked:
        raise registry.UntrustedDemoError(info.blocked, hint=registry.trust_hint(info))
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}")
    limit = timeout if timeout is not None else timeout_for(info)
    base = dict(demo_id=info.id, seed=seed, device=device, treatment=treatment, info=info)

    proc: Any = None
    if server is not None:
        # The server may still be importing torch: that time is not the demo's.
        proc = server.launch(runner_args(info.path, seed=seed, device=device, treatment=treatment), cancel=cancel)
        base["forked"] = proc is not None
    start = time.monotonic()
    if proc is None and cancel is not None and cancel.is_set():
        return DemoOutcome(status=INTERRUPTED, verdict=None, result=None, message=_("stopped by the user"),
                           elapsed_s=0.0, **base)
    if proc is None:
        proc = subprocess.Popen(
            runner_command(info.path, seed=seed, device=device, treatment=treatment),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**child_env(), PARENT_ENV: str(os.getpid())}, start_new_session=True, text=True,
            encoding="utf-8", errors="replace",
        )
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_chunks: list[str] = []

    def pump_stdout() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def pump_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            stderr_chunks.append(line)
            if len(stderr_chunks) > 200:   # keep the tail only
                del stderr_chunks[:100]

    threads = [threading.Thread(target=pump_stdout, daemon=True), threading.Thread(target=pump_stderr, daemon=True)]
    for t in threads:
        t.start()

    final: dict[str, Any] | None = None
    device_used: str | None = None
    status: str | None = None
    try:
        while True:
            remaining = limit - (time.monotonic() - start)
            if remaining <= 0:
                status = TIMEOUT
                break
            if cancel is not None and cancel.is_set():
                status = INTERRUPTED
                break
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                break
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue   # not ours; the runner keeps the demo's prints off stdout
            kind = event.get("event")
            if kind == "started":
                device_used = event.get("device")
            elif kind == "progress" and on_progress is not None:
                try:
                    on_progress(float(event.get("done", 0.0)), str(event.get("message", "")))
                except Exception:
                    pass   # a broken progress display must not lose the result
            elif kind in ("result", "error"):
                final = event
                break   # all we need; a child that lingers on exit is killed below
        if final is not None:
            try:   # let it exit on its own; the result is in
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    except KeyboardInterrupt:
        status = INTERRUPTED
    finally:
        _kill(proc)
        for t in threads:
            t.join(timeout=2)
    elapsed = time.monotonic() - start
    tail = "".join(stderr_chunks)[-4000:]
    base.update(elapsed_s=elapsed, device_used=device_used, stderr_tail=tail)

    if status == TIMEOUT:
        return DemoOutcome(status=TIMEOUT, verdict=None, result=None,
                           message=_("the demo did not finish within {limit} s and was stopped").format(limit=f"{limit:g}"), **base)
    if status == INTERRUPTED:
        return DemoOutcome(status=INTERRUPTED, verdict=None, result=None, message=_("stopped by the user"), **base)
    if final is None:
        code = proc.returncode
        last = tail.strip().splitlines()[-1:] or ["no output"]
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
        return DemoOutcome(status=ERROR, verdict=None, result=None,
                           message=f"the demo process {how} before reporting a result ({last[0]})", **base)
    if final["event"] == "error":
        kind = final.get("kind", "exception")
        status = MISSING_TORCH if kind == "missing-torch" else ERROR
        return DemoOutcome(status=status, verdict=None, result=None, message=final.get("message", "failed"),
                           traceback=final.get("traceback", ""), **base)
    try:
        result = DemoResult.from_dict(final["result"])
    except Exception as err:   # the runner validated it; this is a protocol bug
        return DemoOutcome(status=ERROR, verdict=None, result=None,
                           message=f"could not read the demo's result: {type(err).__name__}: {err}", **base)
    status, verdict, message = judge(info, result)
    return DemoOutcome(status=status, verdict=verdict, result=result, message=message,
                       run_s=final.get("run_s"), **base)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def run_many(
    infos: Iterable[DemoInfo],
    *,
    jobs: int = 2,
    seed: int = 0,
    seeds: Sequence[int] | None = None,
    device: str = "cpu",
    treatment: bool = True,
    timeout: float | None = None,
    durations: dict[str, float] | None = None,
    on_start: Callable[[DemoInfo], None] | None = None,
    on_done: Callable[[DemoOutcome], None] | None = None,
) -> list[DemoOutcome]:
    """Run demos side by side, `jobs` child processes at a time.

    With `seeds` every demo runs once per seed (a sweep) and the outcomes come
    seed by seed, each in input order; otherwise once, with `seed`, in input
    order. With `durations` (id -> seconds, as measured before) the longest
    runs start first, so that no long demo is left to run alone at the end;
    the outcomes keep their order. Where it pays (see use_fork_server), each
    job has a fork server that imports torch once and forks every demo's
    process from there.
    """
    infos = list(infos)
    tasks = [(info, s) for s in (list(seeds) if seeds is not None else [seed]) for info in infos]
    starts = start_order(infos, durations) if durations else list(range(len(infos)))
    order = [k * len(infos) + i for k in range(len(tasks) // max(1, len(infos))) for i in starts]
    # The children lead their own process groups, so Ctrl-C reaches only us:
    # tell the workers to stop theirs.
    cancel = threading.Event()
    servers: queue.Queue = queue.Queue()
    started: list = []
    if use_fork_server(len(tasks), jobs):
        from quizcli.demo import forkserver

        for _job in range(min(max(1, jobs), len(tasks))):
            try:
                started.append(forkserver.ForkServer(env=child_env()))
            except OSError:
                break   # the demos that find no server spawn their own process
        for s in started:
            servers.put(s)

    def not_run(info: DemoInfo, task_seed: int) -> DemoOutcome:
        return DemoOutcome(demo_id=info.id, status=INTERRUPTED, message=_("not run: stopped by the user"),
                           verdict=None, result=None, elapsed_s=0.0, seed=task_seed, device=device,
                           treatment=treatment, info=info)

    def one(info: DemoInfo, task_seed: int) -> DemoOutcome:
        if cancel.is_set():
            return not_run(info, task_seed)
        if on_start:
            on_start(info)
        try:
            server = servers.get_nowait()
        except queue.Empty:
            server = None
        try:
            outcome = run_demo(info, seed=task_seed, device=device, treatment=treatment, timeout=timeout,
                               cancel=cancel, server=server)
        except Exception as err:   # e.g. an untrusted demo: report it like any failure
            message = getattr(err, "message", None) or f"{type(err).__name__}: {err}"
            outcome = DemoOutcome(demo_id=info.id, status=ERROR, message=message, verdict=None, result=None,
                                  elapsed_s=0.0, seed=task_seed, device=device, treatment=treatment, info=info)
        finally:
            if server is not None:
                servers.put(server)
        if on_done:
            on_done(outcome)
        return outcome

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    futures: dict[int, Any] = {}
    try:
        for k in order:   # a pool starts its tasks in the order they were submitted
            futures[k] = pool.submit(one, *tasks[k])
        return [futures[k].result() for k in range(len(tasks))]
    except KeyboardInterrupt:
        # Ctrl-C: stop the running demos, and still return what was measured
        # (the finished demos' outcomes, INTERRUPTED for the rest), so that
        # `verify` shows its table instead of ending without a word.
        cancel.set()
        pool.shutdown(wait=True, cancel_futures=True)
        outcomes = []
        for k, (info, task_seed) in enumerate(tasks):
            f = futures.get(k)
            done = f is not None and f.done() and not f.cancelled() and f.exception() is None
            outcomes.append(f.result() if done else not_run(info, task_seed))
        return outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for s in started:
            s.close()


def start_order(infos: Sequence[DemoInfo], durations: dict[str, float]) -> list[int]:
    """Indices of `infos`, longest measured duration first (unmeasured ones: long demos first, then the rest).

    Starting the longest first keeps every job busy to the end: a long demo
    started last would run alone while the other jobs sit idle.
    """
    def key(i: int) -> tuple[float, int]:
        info = infos[i]
        known = durations.get(info.id)
        if known is None:
            known = DEFAULT_LONG_TIMEOUT_S if info.long else 0.0   # only the order matters
        return (-known, i)

    return sorted(range(len(infos)), key=key)
