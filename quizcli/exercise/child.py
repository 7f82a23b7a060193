"""The grading child process: load a grader, the reference and the candidate's
file, run each test, and report each result as a JSON line on a pipe.

Started by quizcli.exercise.runner as `python -I -B -c BOOT FD` (isolated:
no PYTHON* variables, neither the working folder nor the script's on
sys.path; -B: no bytecode written beside the candidate's file). The job comes
on stdin as JSON. What the candidate's code prints is kept (the first
OUTPUT_KEEP characters) and counted, never written to the terminal; the
parent sends fds 1 and 2 to /dev/null, so a print flood costs nothing.

Events, one JSON object a line:
    {"event": "tests", "tests": [[name, doc], ...]}
    {"event": "begin", "i": 0}                  candidate i of the job's "candidates" (one, except in tests)
    {"event": "test", "i": 0, "name": ..., "passed": bool, "message": str}
    {"event": "error", "message": str}          a problem outside any test (no torch, a syntax error, ...);
                                                with "i": that candidate's, else the exercise's
    {"event": "done", "output": str, "output_chars": int}
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import signal
import sys
import traceback
from typing import Any, Callable

from quizcli.i18n import _   # the language: $QUIZCLI_UI_LANG, which the runner sets

OUTPUT_KEEP = 2000
MESSAGE_MAX = 1200


class _Timeout(BaseException):
    """One test ran past its time (BaseException: `except Exception` in the candidate's loop cannot eat it)."""


class _Capped(io.TextIOBase):
    """A stdout that keeps the first OUTPUT_KEEP characters and counts the rest."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if self.size < OUTPUT_KEEP:
            self.kept.append(s[: OUTPUT_KEEP - self.size])
        self.size += len(s)
        return len(s)

    def text(self) -> str:
        return "".join(self.kept)


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 3] + "..."


def _load(path: str, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _where(err: BaseException, path: str) -> str:
    """' at line N (`source`)' for the innermost frame in the candidate's file, else ''."""
    target = os.path.realpath(path)
    found = None
    for frame in traceback.extract_tb(err.__traceback__):
        if os.path.realpath(frame.filename) == target:
            found = frame
    if found is None:
        return ""
    line = (found.line or "").strip()
    return _(" at line {line}").format(line=found.lineno) + (f" (`{line}`)" if line else "")


def _describe(err: BaseException, path: str) -> str:
    text = str(err).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(err).__name__}{_where(err, path)}" + (f": {first}" if first else "")


class _Traps:
    """The library ops an exercise is about (grader.FORBIDDEN), made to fail
    while the candidate's function runs.

    test_own_code reads the file for their names; a name built at run time
    (`getattr(F, "batch" + "_norm")`), an import under another name, or an
    allowed op that calls a forbidden one inside PyTorch (`F.instance_norm`
    calls `torch.batch_norm`) passes that reading, not this. Each forbidden
    function or class in PyTorch's usual namespaces is replaced, for the
    length of the call only, by one that records the use: the call fails
    even if the candidate's code catches the exception. Modules
    (`torch.optim`, `torch.nn.init`) are left to test_own_code.
    """

    def __init__(self, forbidden: tuple[str, ...]) -> None:
        self.used: str | None = None
        self._spots: list[tuple[Any, str, Any]] = []
        if not forbidden:
            return
        import types

        import torch

        import torch.nn.utils.fusion

        spaces = [torch, torch.Tensor, torch.nn, torch.nn.functional, torch.linalg, torch.autograd,
                  torch.nn.utils, torch.nn.init, torch.nn.utils.parametrizations, torch.nn.utils.parametrize,
                  torch.nn.utils.fusion]
        for space in spaces:
            for name in forbidden:
                original = vars(space).get(name)
                if original is not None and callable(original) and not isinstance(original, types.ModuleType):
                    self._spots.append((space, name, original))

    def _trap(self, name: str) -> Callable[..., Any]:
        def trapped(*args: Any, **kwargs: Any) -> Any:
            self.used = self.used or name
            raise _Forbidden(name)
        return trapped

    def __enter__(self) -> "_Traps":
        self.used = None
        for space, name, _original in self._spots:
            setattr(space, name, self._trap(name))
        return self

    def __exit__(self, *exc: Any) -> None:
        for space, name, original in self._spots:
            setattr(space, name, original)


class _Forbidden(Exception):
    """A forbidden op was called (see _Traps)."""


def _guarded(fn: Callable[..., Any], path: str, fail: type, traps: _Traps | None = None) -> Callable[..., Any]:
    """The candidate's function, with its exceptions turned into test failures."""
    traps = traps or _Traps(())

    def failure(err: Exception | None) -> Exception:
        """The test failure for what the call did: a forbidden op first (even one whose
        error the candidate caught, or turned into another), else the exception."""
        if traps.used:
            return fail(_("your code calls `{name}` (directly or through another op): the exercise is to write "
                          "it yourself with plain tensor operations (see the starter's docstring)").format(
                            name=traps.used))
        if isinstance(err, fail):
            return err
        if isinstance(err, NotImplementedError):
            return fail(_("not implemented yet: your function raised NotImplementedError{where}; "
                          "replace the `raise NotImplementedError` with your code").format(where=_where(err, path)))
        if isinstance(err, MemoryError):
            return fail(_("your code ran out of memory{where} (the grader's limit)").format(where=_where(err, path)))
        return fail(_("your code raised {error}").format(error=_describe(err, path)))

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            with traps:
                result = fn(*args, **kwargs)
        except Exception as err:   # noqa: BLE001: the candidate's bug, reported as a failed test
            raise failure(err) from None
        if traps.used:
            raise failure(None)
        return result

    call.__name__ = getattr(fn, "__name__", "candidate")
    call.__wrapped__ = fn   # type: ignore[attr-defined]
    return call


def _own_code_test(forbidden: tuple[str, ...]) -> Callable[..., None]:
    """A test that the candidate's file does not call the library op the exercise is about (grader.FORBIDDEN)."""

    def test_own_code(candidate: Any, reference: Any) -> None:
        import ast

        from quizcli.exercise.kit import Fail

        path = candidate.__wrapped__.__code__.co_filename
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [part for a in node.names for part in a.name.split(".")]
            for name in names:
                if name in forbidden:
                    raise Fail(_("line {line} uses `{name}`: the exercise is to write it yourself with "
                                 "plain tensor operations (see the starter's docstring)").format(
                                   line=node.lineno, name=name))

    names = ", ".join(forbidden[:4])
    if len(forbidden) > 4:
        names = _("{names} and {n} more").format(names=names, n=len(forbidden) - 4)
    test_own_code.__doc__ = _("Written by hand: no {names}.").format(names=names)
    return test_own_code


def _limit_memory(mb: int) -> None:
    """Address space: what the process holds now (torch imported) plus `mb` MiB."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        now = pages * os.sysconf("SC_PAGE_SIZE")
        limit = now + mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass      # not Linux: no memory limit, the timeout still holds


def main() -> None:
    out = os.fdopen(int(sys.argv[1]), "w", buffering=1, encoding="utf-8")

    def send(**event: Any) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    # torch first, the job after: a child started ahead of time (runner.Prepared)
    # imports torch while the candidate is still editing, and waits here.
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    job = json.loads(sys.stdin.read() or "null")
    if job is None:          # the parent let it go unused
        return
    sys.stdin = io.StringIO("")
    captured = _Capped()
    sys.stdout = sys.stderr = captured
    try:
        _grade(job, send)
    finally:
        send(event="done", output=captured.text(), output_chars=captured.size)
        out.close()


def _grade(job: dict[str, Any], send: Callable[..., None]) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        send(event="error", message=_("PyTorch is not installed: install the `demos` extra "
                                      "(pip install 'quizcli[demos]')"))
        return
    torch.set_num_threads(1)
    from quizcli.exercise.kit import Fail

    try:
        grader = _load(job["grader"], "quizcli_exercise_grader")
        entry = grader.ENTRY
        tests = [(n, f) for n, f in vars(grader).items() if n.startswith("test_") and callable(f)]
        reference = getattr(_load(job["reference"], "quizcli_exercise_reference"), entry)
    except Exception as err:   # noqa: BLE001: a broken exercise, not the candidate's fault
        send(event="error", message=_short(_("the exercise itself is broken: {error}").format(
            error=f"{type(err).__name__}: {err}")))
        return
    finally:
        # Not left where the candidate's code could look the answer up by name
        # (`sys.modules["quizcli_exercise_reference"]`).
        sys.modules.pop("quizcli_exercise_grader", None)
        sys.modules.pop("quizcli_exercise_reference", None)
    forbidden = tuple(getattr(grader, "FORBIDDEN", ()))
    if forbidden:
        tests.insert(0, ("test_own_code", _own_code_test(forbidden)))
    send(event="tests", tests=[[n, (f.__doc__ or "").strip()] for n, f in tests])
    test_timeout = float(getattr(grader, "TEST_TIMEOUT", job.get("test_timeout", 10)))
    _limit_memory(int(job.get("memory_mb", 2048)))

    def on_alarm(signum: int, frame: Any) -> None:
        raise _Timeout

    signal.signal(signal.SIGALRM, on_alarm)
    traps = _Traps(forbidden)
    for i, path in enumerate(job["candidates"]):
        send(event="begin", i=i)
        _grade_one(i, path, entry, tests, reference, test_timeout, send, Fail, traps)


def _grade_one(i: int, path: str, entry: str, tests: list, reference: Callable[..., Any], test_timeout: float,
               send: Callable[..., None], fail: type, traps: _Traps) -> None:
    try:
        signal.setitimer(signal.ITIMER_REAL, test_timeout * 2)
        try:
            module = _load(path, f"quizcli_exercise_candidate_{i}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        fn = getattr(module, entry, None)
        if not callable(fn):
            send(event="error", i=i, message=_("your file defines no function `{name}`; keep the starter's "
                                               "signature").format(name=entry))
            return
    except _Timeout:
        send(event="error", i=i, message=_("importing your file took more than {seconds} s; "
                                           "is there an endless loop at the top level?").format(
                                             seconds=f"{test_timeout * 2:g}"))
        return
    except SyntaxError as err:
        send(event="error", i=i, message=_short(_("your file does not compile: {error} at line {line}").format(
            error=err.msg, line=err.lineno) + (f" (`{err.text.strip()}`)" if err.text else "")))
        return
    except BaseException as err:   # noqa: BLE001: an error while importing the candidate's module
        if isinstance(err, KeyboardInterrupt):
            raise
        message = (_("importing your file called sys.exit()") if isinstance(err, SystemExit)
                   else _("importing your file raised {error}").format(error=_describe(err, path)))
        send(event="error", i=i, message=_short(message))
        return
    candidate = _guarded(fn, path, fail, traps)
    for name, test in tests:
        signal.setitimer(signal.ITIMER_REAL, test_timeout)
        try:
            test(candidate, reference)
            passed, message = True, ""
        except fail as err:
            passed, message = False, str(err)
        except _Timeout:
            passed, message = False, _("took more than {seconds} s; is there an endless loop, or a much "
                                       "slower algorithm than needed?").format(seconds=f"{test_timeout:g}")
        except SystemExit as err:
            passed, message = False, _("your code called sys.exit({code}){where}").format(
                code=repr(err.code), where=_where(err, path))
        except MemoryError as err:
            passed, message = False, _("ran out of memory{where} (the grader's limit)").format(where=_where(err, path))
        except Exception as err:   # noqa: BLE001
            if _where(err, path):
                passed, message = False, _("your code raised {error}").format(error=_describe(err, path))
            else:    # most often the candidate returned something of the wrong kind
                passed, message = False, _("checking your result raised {error}; does your function return "
                                           "what the docstring says?").format(error=f"{type(err).__name__}: {err}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        send(event="test", i=i, name=name, passed=passed, message=_short(message))


if __name__ == "__main__":
    main()
