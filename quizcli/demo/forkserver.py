"""A fork server: import torch once per job, then fork a fresh process per demo.

Starting Python and importing torch costs a demo process 2-5 s of CPU on a
small machine, more than most demos spend in run(). `demos verify` runs
dozens of demos, so each of its jobs starts one server that imports torch,
numpy, the demo kit and torch._dynamo (which the first torch.optim optimizer
would import) once, then forks a child per demo. Each demo still runs in a
process of its own, with its own timeout, session and pipes, from the same
clean state: the server runs no demo code and no torch op, and kit.setup
seeds every generator in the child, so a forked run gives the numbers of a
standalone `quizcli explain ID --json`, bit for bit.

    python -m quizcli.demo.forkserver FD PARENT_PID [NICE]

FD is a SOCK_SEQPACKET Unix socket shared with the engine. Messages are
JSON, one per packet:

    server -> engine  {"ready": true, "warm_s": 2.1}            once, after the imports
    engine -> server  {"args": [FILE, "--seed", "0", ...]}      + 2 fds: the child's stdout and stderr
    server -> engine  {"pid": 123}                              the child was forked
    engine -> server  {"kill": true}                            stop the child (timeout, Ctrl-C)
    server -> engine  {"exit": CODE}                            the child ended; CODE as Popen.returncode

The child speaks runner.py's protocol on its stdout pipe, exactly as a
spawned `python -m quizcli.demo.runner` does. Linux only: macOS forbids
forking a process that may have touched its system frameworks, and other
platforms have no fork; there, and whenever the server fails, the engine
spawns a process per demo as before.

The server and its children die with quizcli, even when it is killed with
SIGKILL (lifeline.py; PARENT_PID is the engine's pid). With NICE > 0 the
imports run in a thread at that lower priority (a session's warm worker
must not slow the candidate's terminal); the forks come from the main
thread, which keeps its priority, so a demo runs as fast as a spawned one.

Standard library only at module level: the engine imports this module in
the quiz process, which must never import torch.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from quizcli.demo import launch, lifeline

# Modules a demo process would import anyway; the server imports them once.
WARM_MODULES = ("torch", "numpy", "quizcli.demo.kit", "quizcli.demo.runner")

READY_TIMEOUT_S = 180.0   # the server's imports, on a busy machine
REPLY_TIMEOUT_S = 30.0    # a fork and a reply; the server does nothing else meanwhile


def supported() -> bool:
    """Whether this platform can run demos from a fork server."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")
            and hasattr(socket, "SOCK_SEQPACKET"))


# --- the engine's side ------------------------------------------------------------


class ServerGone(Exception):
    """The server did not answer as it should; the caller falls back to spawning."""


class ForkServer:
    """One server process; serves one demo at a time (one per job)."""

    def __init__(self, env: dict[str, str] | None = None, nice: int = 0):
        """Start the server; `nice` > 0 imports at that lower priority.

        Start it from the thread that outlives it (see lifeline.py).
        """
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                launch.python_command("quizcli.demo.forkserver", str(theirs.fileno()), str(os.getpid()), str(nice)),
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env, start_new_session=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.sock = ours
        self.alive = True
        self.ready = False
        self.warm_s: float | None = None

    def _send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        try:
            if fds:
                socket.send_fds(self.sock, [json.dumps(message).encode()], fds)
            else:
                self.sock.send(json.dumps(message).encode())
        except OSError as err:
            self.alive = False
            raise ServerGone(f"cannot reach the fork server: {err}") from err

    def _recv(self, timeout: float | None) -> dict[str, Any] | None:
        """The next message; None when none came within `timeout` (0: do not wait)."""
        try:
            ready = select.select([self.sock], [], [], timeout)[0]
            data = self.sock.recv(65536) if ready else None
        except OSError as err:
            self.alive = False
            raise ServerGone(f"lost the fork server: {err}") from err
        if data is None:
            return None
        if not data:
            self.alive = False
            raise ServerGone("the fork server exited")
        return json.loads(data)

    def wait_ready(self, timeout: float, cancel: threading.Event | None = None) -> bool:
        """Whether the server has done its imports, waiting up to `timeout` s
        (0: only look). Raises ServerGone if it is gone."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            if cancel is not None and cancel.is_set():
                return False
            message = self._recv(max(0.0, min(0.2, deadline - time.monotonic())))
            if message is not None:
                if not message.get("ready"):
                    raise ServerGone("the fork server did not start")
                self.ready, self.warm_s = True, message.get("warm_s")
            elif time.monotonic() >= deadline:
                return False
        return True

    def launch(self, args: list[str], cancel: threading.Event | None = None) -> "ForkedChild | None":
        """Fork a child that runs `python -m quizcli.demo.runner ARGS`.

        None if the server cannot, or `cancel` was set while it was starting.
        """
        if not self.alive:
            return None
        try:
            if not self.wait_ready(READY_TIMEOUT_S, cancel):
                if cancel is not None and cancel.is_set():
                    return None
                raise ServerGone("the fork server did not start")
        except (ServerGone, ValueError):
            self.close()
            return None
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            try:
                self._send({"args": args}, [out_w, err_w])
            finally:
                os.close(out_w)
                os.close(err_w)
            message = self._recv(REPLY_TIMEOUT_S)
            if not message or "pid" not in message:
                raise ServerGone("the fork server did not fork")
        except BaseException as err:
            os.close(out_r)
            os.close(err_r)
            # Also on Ctrl-C between the request and the reply: the exchange is
            # lost, and a server that forked meanwhile stops that child on close.
            self.close()
            if isinstance(err, (ServerGone, ValueError)):
                return None
            raise
        return ForkedChild(self, int(message["pid"]), out_r, err_r)

    def close(self) -> None:
        """Stop the server (it exits when its socket closes; killed if it does not)."""
        self.alive = False
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            # Still importing, it would notice the closed socket only afterwards.
            self.proc.wait(timeout=5 if self.ready else 0)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait(timeout=5)


class ForkedChild:
    """A forked demo process, with the parts of subprocess.Popen the engine uses."""

    def __init__(self, server: ForkServer, pid: int, out_fd: int, err_fd: int):
        self.server = server
        self.pid = pid
        self.returncode: int | None = None
        self.stdout = open(out_fd, encoding="utf-8", errors="replace")
        self.stderr = open(err_fd, encoding="utf-8", errors="replace")
        self._ended = False   # the server said how it ended, or is gone

    def _take_exit(self, timeout: float | None) -> None:
        if self._ended:
            return
        try:
            message = self.server._recv(timeout)
        except (ServerGone, ValueError):
            self._ended = True   # nothing more will come; the exit code stays unknown
            return
        if message is not None and "exit" in message:
            self.returncode = int(message["exit"])
            self._ended = True

    def poll(self) -> int | None:
        self._take_exit(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        self._take_exit(timeout)
        if not self._ended:
            raise subprocess.TimeoutExpired("demo", timeout or 0)
        return self.returncode

    def kill(self) -> None:
        """Stop the child (and anything it started) and wait until the server has reaped it."""
        if self._ended:
            return
        try:
            self.server._send({"kill": True})
        except ServerGone:
            self._ended = True
            return
        self._take_exit(REPLY_TIMEOUT_S)
        if not self._ended:   # a server that does not answer is no use for the next demo
            self.server.close()
            self._ended = True


# --- the server's side ------------------------------------------------------------


def _warm(nice: int = 0) -> None:
    """Import what every demo imports; at a lower priority when `nice` > 0.

    The niced imports run in a thread of their own: a nice value belongs to
    a thread on Linux, and an unprivileged process cannot raise it back, so
    the main thread, which forks the demos, keeps its priority.
    """
    if nice <= 0:
        _imports()
        return
    t = threading.Thread(target=_imports, args=(nice,), name="warm-imports")
    t.start()
    t.join()


def _imports(nice: int = 0) -> None:
    import importlib

    if nice > 0:
        try:
            os.nice(nice)
        except OSError:
            pass

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass   # the demo's own import fails the same way, and says so
    try:
        # The first torch.optim optimizer imports torch._dynamo (1-3 s). Importing
        # it runs no tensor op, so no thread pool exists yet to break the fork.
        import torch._dynamo  # noqa: F401
    except Exception:
        pass


def _child(sock: socket.socket, fds: list[int], args: list[str], server_pid: int) -> None:
    """In the forked child: become a demo process like a spawned runner; never returns."""
    code = 1
    try:
        lifeline.die_with_parent(server_pid)   # the server's own SIGKILL reaches it too
        os.setsid()   # its own group, so a kill reaches anything it starts
        sock.close()
        out_fd, err_fd = fds
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        os.close(out_fd)
        os.close(err_fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdin = open(0, encoding="utf-8", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False, errors="backslashreplace")
        from quizcli.demo import runner

        code = runner.main(args)
    except BaseException:
        import traceback

        try:
            traceback.print_exc()
        except Exception:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        # _exit: the server's atexit handlers and buffers are not the child's to run.
        os._exit(code if isinstance(code, int) else 1)


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:   # not yet its own group leader
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _reap(sock: socket.socket, pid: int) -> tuple[int, bool]:
    """Wait for the child, killing it when asked; (its return code, whether the engine is gone)."""
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    gone = False
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), gone
            watch: list[Any] = [] if gone else [sock]
            if pidfd is not None:
                watch.append(pidfd)
            ready = select.select(watch, [], [], None if pidfd is not None else 0.02)[0]
            if sock in ready:
                data = sock.recv(65536)
                if not data:   # the engine went away: stop the demo, then stop
                    gone = True
                    _kill(pid)
                elif json.loads(data).get("kill"):
                    _kill(pid)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def serve(fd: int, parent_pid: int | None = None, nice: int = 0) -> int:
    # In its own session (the engine starts it so): Ctrl-C reaches the engine,
    # which stops the server by closing the socket; a SIGKILL of the engine
    # kills the server (lifeline), and its child with it.
    if parent_pid is not None:
        lifeline.die_with_parent(parent_pid)
    sock = socket.socket(fileno=fd)
    start = time.perf_counter()
    _warm(nice)
    import gc

    gc.collect()
    gc.freeze()   # the children share these pages instead of copying them
    try:
        me = os.getpid()
        sock.send(json.dumps({"ready": True, "warm_s": round(time.perf_counter() - start, 3)}).encode())
        while True:
            data, fds, _flags, _addr = socket.recv_fds(sock, 65536, 2)
            if not data:
                return 0
            request = json.loads(data)
            if request.get("kill") and not fds:
                continue   # for a child that had ended by itself meanwhile
            if len(fds) != 2 or not isinstance(request.get("args"), list):
                for f in fds:
                    os.close(f)
                return 1
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(sock, fds, [str(a) for a in request["args"]], me)
            for f in fds:
                os.close(f)
            sock.send(json.dumps({"pid": pid}).encode())
            code, gone = _reap(sock, pid)
            if gone:
                return 0
            sock.send(json.dumps({"exit": code}).encode())
    except (OSError, ValueError):
        return 1


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else None,
                   int(sys.argv[3]) if len(sys.argv) > 3 else 0))
