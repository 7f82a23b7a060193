"""Results of demos already run, so that running one again shows it at once.

On the CPU a seeded demo gives the same numbers bit for bit every time, so
its outcome can be kept: the next `d` or `quizcli explain` of the same run
shows it at once, marked as cached with its date; `--fresh` (and `d` again
in a session) runs it again. Only deterministic runs are kept: on the CPU,
ending with a result (its checks passed or not); never a timeout, a crash,
NaN or a GPU run.

The key is everything the numbers depend on: the demo's id and source (the
trust fingerprint of its folder tree, so an edited demo or helper misses),
the code of the demo kit and runner, the seed, the device, whether the
treatment is on, and the PyTorch and numpy builds (their version files,
read as text: nothing is imported), and the Python version. `--device auto`
is cached only where it can mean nothing but the CPU (a CPU build of
PyTorch, not on macOS).

One JSON file per key under the cache folder (`demos/`), written to a temp
file and renamed into place, so two sessions writing at once each leave a
whole entry; a damaged or foreign file is a miss. The folder is kept under
MAX_BYTES, the least recently used entries (by modification time, touched
on every hit) going first.

Standard library only: the quiz process never imports torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from quizcli.demo.registry import DemoInfo

VERSION = 1
_MAGIC = "quizcli-demo-result"
MAX_BYTES = 50 * 1024 * 1024
CACHED_STATUSES = ("ok", "failed-checks")
# The package's code that shapes a result: the kit demos use, the runner, the contract.
CODE_FILES = ("api.py", "contract.py", "kit.py", "runner.py")


def folder() -> Path:
    from quizcli import paths

    return paths.cache_dir() / "demos"


def _version_file(package: str) -> bytes | None:
    """A package's version.py as bytes (its version, and for torch its CUDA
    build), found without importing it; None if the package is not there."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        return (Path(list(spec.submodule_search_locations)[0]) / "version.py").read_bytes()
    except OSError:
        return b"?"


def _cpu_only_torch(version_py: bytes | None) -> bool:
    """Whether `--device auto` can only mean the CPU here."""
    if sys.platform == "darwin":
        return False   # mps may be there
    if version_py is None:
        return True    # no torch: the runner resolves auto to the CPU
    text = version_py.decode("utf-8", "replace")
    import re

    for name in ("cuda", "hip", "xpu"):
        match = re.search(rf"^{name}\s*(?::[^=\n]*)?=\s*(.+)$", text, re.M)
        if match is None or match.group(1).strip() != "None":
            return False
    return True


def cache_device(device: str) -> str | None:
    """The device a run asked for, as the cache knows it: "cpu", or None
    (not cached: a GPU, or `auto` where it might mean one)."""
    if device == "cpu":
        return "cpu"
    if device == "auto" and _cpu_only_torch(_version_file("torch")):
        return "cpu"
    return None


def key(info: DemoInfo, *, seed: int, device: str, treatment: bool) -> str:
    """The key of a run of `info` on `device` (a device cache_device gave)."""
    from quizcli.demo import trust

    h = hashlib.sha256()
    h.update(f"{_MAGIC}:{VERSION}:{info.id}:{seed}:{device}:{int(bool(treatment))}:{sys.version_info[:2]}\0".encode())
    h.update(trust.fingerprint(Path(info.path).parent).encode() + b"\0")
    h.update(Path(info.path).name.encode() + b"\0")
    code = Path(__file__).resolve().parent
    for name in CODE_FILES:
        try:
            h.update(name.encode() + b"\0" + (code / name).read_bytes() + b"\0")
        except OSError:
            h.update(name.encode() + b"?\0")
    for package in ("torch", "numpy"):
        h.update(package.encode() + b"\0" + (_version_file(package) or b"-") + b"\0")
    return h.hexdigest()


def _path(k: str) -> Path:
    return folder() / f"{k}.json"


def lookup(info: DemoInfo, *, seed: int, device: str, treatment: bool) -> Any:
    """The outcome of this run from the cache (an engine.DemoOutcome with
    `cached_at` set), or None."""
    where = cache_device(device)
    if where is None:
        return None
    try:
        k = key(info, seed=seed, device=where, treatment=treatment)
    except OSError:
        return None
    path = _path(k)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(entry, dict) and entry.get("magic") == _MAGIC and entry.get("version") == VERSION
            and entry.get("key") == k and isinstance(entry.get("result"), dict)):
        return None
    from quizcli.demo import engine
    from quizcli.demo.api import DemoResult

    try:
        result = DemoResult.from_dict(entry["result"])
        saved_at = str(entry["saved_at"])
        datetime.fromisoformat(saved_at)
    except (KeyError, TypeError, ValueError):
        return None
    status, verdict, message = engine.judge(info, result)
    try:
        os.utime(path)   # used: the last to go when the folder is trimmed
    except OSError:
        pass
    run_s = entry.get("run_s")
    return engine.DemoOutcome(
        demo_id=info.id, status=status, message=message, verdict=verdict, result=result,
        elapsed_s=float(entry.get("elapsed_s") or 0.0), seed=seed, device=device, device_used="cpu",
        treatment=treatment, run_s=float(run_s) if isinstance(run_s, (int, float)) else None, info=info,
        cached_at=saved_at,
    )


def store(outcome: Any) -> bool:
    """Keep a run's outcome if it is deterministic (a CPU run that ended with
    a result); True if it was written. A cache that cannot be written is no error."""
    if (outcome.status not in CACHED_STATUSES or outcome.result is None or outcome.info is None
            or outcome.device_used != "cpu" or outcome.cached_at is not None
            or outcome.device not in ("cpu", "auto")):
        return False
    import tempfile

    try:
        k = key(outcome.info, seed=outcome.seed, device="cpu", treatment=outcome.treatment)
        entry = {
            "magic": _MAGIC, "version": VERSION, "key": k, "demo": outcome.demo_id,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seed": outcome.seed, "device": "cpu", "treatment": outcome.treatment,
            "elapsed_s": round(outcome.elapsed_s, 3), "run_s": outcome.run_s,
            # json keeps infinities (as Infinity); NaN never gets here (status NAN).
            "result": outcome.result.to_dict(),
        }
        payload = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
            os.replace(tmp, _path(k))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        trim(where)
    except (OSError, ValueError, TypeError):
        return False
    return True


def _entries(where: Path) -> list[tuple[float, int, Path]]:
    found = []
    try:
        names = os.listdir(where)
    except OSError:
        return []
    for name in names:
        if name.endswith(".json"):
            p = where / name
            try:
                st = p.stat()
            except OSError:
                continue   # another session removed it meanwhile
            found.append((st.st_mtime, st.st_size, p))
    return found


def trim(where: Path | None = None, max_bytes: int = MAX_BYTES) -> int:
    """Remove the least recently used entries until the folder holds at most
    `max_bytes`; how many were removed."""
    entries = sorted(_entries(where or folder()))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, p in entries:
        if total <= max_bytes:
            break
        try:
            p.unlink()
            removed += 1
        except FileNotFoundError:
            pass   # another session trimmed it first
        except OSError:
            continue
        total -= size
    return removed


def clear() -> tuple[int, int]:
    """Remove every cached result; (entries, bytes) removed."""
    count = size = 0
    where = folder()
    for _, n, p in _entries(where):
        try:
            p.unlink()
        except OSError:
            continue
        count += 1
        size += n
    try:
        for name in os.listdir(where):   # temp files a killed session left
            if name.endswith(".tmp"):
                (where / name).unlink(missing_ok=True)
    except OSError:
        pass
    return count, size


def when(outcome: Any) -> str:
    """The local date and time a cached outcome was measured, for the user."""
    try:
        return datetime.fromisoformat(outcome.cached_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return "?"
