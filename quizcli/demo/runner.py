"""The demo process: load one demo file, run it, stream JSON lines back.

    python -m quizcli.demo.runner FILE [--seed N] [--device auto|cpu|cuda|mps] [--no-treatment]

Protocol on stdout, one JSON object per line (the demo's own prints, and
anything a library writes to file descriptor 1, go to stderr instead):

    {"event": "started", "device": "cpu", "pid": 123}
    {"event": "progress", "done": 0.4, "message": "training with BN"}
    {"event": "result", "result": {...DemoResult.to_dict()...}, "run_s": 1.23}
    {"event": "error", "kind": KIND, "message": "...", "traceback": "..."}

KIND is "missing-torch", "device", "load", "exception" or "bad-result".
Exit status 0 after a result, 1 after an error.

`load_module` and `run_loaded` are also used in-process by the contract
tests, so the suite imports torch once per worker instead of once per run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, TextIO

from quizcli.demo import launch
from quizcli.demo.api import DemoContext, DemoResult
from quizcli.demo.contract import DEVICES, INSTALL_HINT, result_problems

# Packages of the `demos` extra: a demo that cannot import one of these
# needs the extra, which is the user's to install, not a bug in the demo.
EXTRA_MODULES = ("torch", "numpy", "matplotlib")


class DemoFailure(Exception):
    """A failure with its protocol kind and a message for the user."""

    def __init__(self, kind: str, message: str, tb: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.tb = tb


def resolve_device(name: str) -> str:
    """auto = cuda if available, else mps, else cpu; a named device must exist.
    Without PyTorch, auto and cpu are the CPU (the demo may not need torch)."""
    if name not in DEVICES:
        raise DemoFailure("device", f"unknown device {name!r}; use one of {', '.join(DEVICES)}")
    if importlib.util.find_spec("torch") is None:
        # Without PyTorch only the CPU is there. A demo that needs torch
        # fails as missing-torch when it is loaded; one that does not runs.
        if name in ("auto", "cpu"):
            return "cpu"
        raise DemoFailure("missing-torch", f"--device {name} needs PyTorch, which is not installed; {INSTALL_HINT}")
    if name == "cpu":
        return "cpu"   # no need to import torch here: the demo will
    try:
        import torch
    except ImportError as err:
        raise DemoFailure("missing-torch", f"PyTorch cannot be imported ({err}); {INSTALL_HINT}") from err
    cuda = torch.cuda.is_available()
    mps_backend = getattr(torch.backends, "mps", None)
    mps = bool(mps_backend is not None and mps_backend.is_available())
    if name == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if name == "cuda" and not cuda:
        build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
        raise DemoFailure("device", f"--device cuda: no CUDA GPU is available here (this PyTorch is {build}); "
                                    "use --device cpu, or --device auto to pick the best device there is")
    if name == "mps" and not mps:
        raise DemoFailure("device", "--device mps: Apple's Metal backend is not available here; "
                                    "use --device cpu, or --device auto to pick the best device there is")
    return name


def load_module(path: Path) -> ModuleType:
    """Import a demo file by path (its folder goes on sys.path for `_helpers`).

    From source only: no bytecode is read or written in the demo's folder
    tree (see quizcli.demo.launch).
    """
    path = Path(path).resolve()
    folder = str(path.parent)
    launch.install_demo_imports(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = f"quizcli_demo_{path.stem}"
    spec = launch.spec_from_file(name, path)
    if spec is None or spec.loader is None:
        raise DemoFailure("load", f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as err:
        sys.modules.pop(name, None)
        raise _classify(err, path, "while loading") from err
    if not callable(getattr(module, "run", None)):
        raise DemoFailure("load", f"{path} has no function run(ctx)")
    return module


def _classify(err: BaseException, path: Path, when: str) -> DemoFailure:
    tb = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    if isinstance(err, ModuleNotFoundError) and (err.name or "").split(".")[0] in EXTRA_MODULES:
        return DemoFailure("missing-torch", f"the demo needs {err.name}, which is not installed; {INSTALL_HINT}", tb)
    if isinstance(err, DemoFailure):
        return err
    # Point at the demo's own line, the one an author wants to see.
    where = ""
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if Path(frame.filename).resolve() == path.resolve():
            where = f" at {path.name}:{frame.lineno}"
            break
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    message = f"the demo raised {type(err).__name__}{where} {when}" + (f": {text}" if text else "")
    return DemoFailure("exception", message, tb)


def plain(value: Any) -> Any:
    """Numbers from numpy or torch become Python numbers, so they travel as JSON."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):          # numpy arrays and scalars, tensors
        return plain(value.tolist())
    if hasattr(value, "item"):
        return plain(value.item())
    return str(value)                     # e.g. a torch.device or dtype in settings


def run_loaded(module: ModuleType, ctx: DemoContext, path: Path | None = None) -> tuple[DemoResult, float]:
    """Call run(ctx) and check what it returned; (result, seconds in run)."""
    path = Path(path or getattr(module, "__file__", "demo"))
    start = time.perf_counter()
    try:
        result = module.run(ctx)
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        raise _classify(err, path, "in run()") from err
    run_s = time.perf_counter() - start
    problems = result_problems(result)
    if problems:
        raise DemoFailure("bad-result", "the demo returned an invalid result: " + "; ".join(problems))
    return result, run_s


def _throttled(emit: Callable[[dict], None], every_s: float = 0.1) -> Callable[[float, str], None]:
    last = [0.0, ""]

    def progress(done: float, message: str = "") -> None:
        now = time.monotonic()
        done = min(max(float(done), 0.0), 1.0)
        if now - last[0] < every_s and message == last[1] and done < 1.0:
            return
        last[0], last[1] = now, message
        emit({"event": "progress", "done": done, "message": str(message)})

    return progress


def _protocol_stream() -> TextIO:
    """A private copy of stdout for the protocol; fd 1 then points at stderr."""
    sys.stdout.flush()
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quizcli.demo.runner", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--no-treatment", action="store_true")
    args = parser.parse_args(argv)
    parent = os.environ.pop("QUIZCLI_DEMO_PARENT", "")
    if parent.isdigit():   # spawned by the engine: die with it, even if it is killed
        from quizcli.demo import lifeline

        lifeline.die_with_parent(int(parent))

    proto = _protocol_stream()

    def emit(event: dict) -> None:
        proto.write(json.dumps(event) + "\n")
        proto.flush()

    try:
        device = resolve_device(args.device)
        emit({"event": "started", "device": device, "pid": os.getpid()})
        module = load_module(args.file)
        ctx = DemoContext(seed=args.seed, device=device, treatment=not args.no_treatment,
                          progress=_throttled(emit))
        result, run_s = run_loaded(module, ctx, args.file)
        try:
            payload = json.dumps({"event": "result", "result": plain(result.to_dict()), "run_s": run_s})
        except Exception as err:   # e.g. a tensor that cannot be copied, an odd object
            raise DemoFailure("bad-result", f"the demo's result cannot be sent back: {type(err).__name__}: {err} "
                                            "(store Python numbers: float(x), kit.floats(t))") from err
        proto.write(payload + "\n")
        proto.flush()
        return 0
    except DemoFailure as err:
        emit({"event": "error", "kind": err.kind, "message": err.message, "traceback": err.tb})
        if err.tb:
            sys.stderr.write(err.tb)
        return 1


if __name__ == "__main__":
    sys.exit(main())
