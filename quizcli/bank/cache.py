"""A cache of validated banks, keyed on the file's content.

Only banks that passed every per-file check are stored, as the validator's
normalized plain data (tuples, dicts, strings, numbers) in `marshal` format,
never pickle: reading it back cannot run code. The key hashes the file's
bytes together with everything that changes the result (this cache's
version, the parser, whether the bank is built-in, the Python version, whose
marshal format it is, and the loader's code as it is on disk: an edited
validator never trusts what its older self cached), and the entry repeats its key, so a stale, foreign or
damaged entry is a miss, never an error. Cross-bank checks are not cached:
they run on every load.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

VERSION = 3            # bump when the normalized form changes
_MAGIC = "quizcli-bank-cache"
# Enough for a folder of thousands of small banks (each file is an entry),
# bounded in bytes for a few huge ones.
_MAX_ENTRIES = 20_000
_MAX_BYTES = 256 * 2 ** 20
# The code whose output is cached: the loader's modules and the model.
LOADER_FILES = ("bank/__init__.py", "bank/library.py", "bank/validate.py", "bank/cache.py", "bank/yamlio.py",
                "model.py", "bank/validate_code.py")

_code: str | None = None


def code_fingerprint() -> str:
    """The loader's code as it is on disk: each file's size and times.

    Part of every key, so a changed validator (an edited source checkout, an
    upgrade) misses instead of serving what its older self cached. A stat per
    file, once per process: no file is read at start-up.
    """
    global _code
    if _code is None:
        package = Path(__file__).resolve().parent.parent
        parts = []
        for name in LOADER_FILES:
            try:
                st = os.stat(package / name)
                parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
            except OSError:
                parts.append(f"{name}:?")
        _code = ";".join(parts)
    return _code


def key(data: bytes, builtin: bool, parser: str) -> str:
    h = hashlib.sha256()
    h.update(f"{_MAGIC}:{VERSION}:{parser}:{int(builtin)}:{sys.version_info[:2]}:{marshal.version}:"
             f"{code_fingerprint()}\0".encode())
    h.update(data)
    return h.hexdigest()


def _folder() -> Path:
    from quizcli import paths

    return paths.cache_dir() / "banks"


def get(k: str) -> dict[str, Any] | None:
    try:
        raw = (_folder() / f"{k}.marshal").read_bytes()
        entry = marshal.loads(raw)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == _MAGIC and entry[1] == k
            and isinstance(entry[2], dict)):
        return entry[2]
    return None


_made_folders: set[Path] = set()


def _made(folder: Path) -> None:
    """mkdir -p, once per folder and process (a cold load of 5,000 small banks writes 10,000 entries)."""
    if folder not in _made_folders or not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        _made_folders.add(folder)


def write_atomic(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` whole or not at all: a private temporary file
    beside it, then os.replace (two sessions writing the same entry each
    replace it whole). Cheaper than tempfile.mkstemp, which a cold load of
    thousands of banks calls twice per bank."""
    import threading

    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:      # left by a process that had this pid and died mid-write
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def put(k: str, bank: dict[str, Any]) -> None:
    """Store a validated bank; a cache that cannot be written is no error.
    The loader prunes the folder once per load (`prune`), not once per bank."""
    folder = _folder()
    try:
        _made(folder)
        write_atomic(folder / f"{k}.marshal", marshal.dumps((_MAGIC, k, bank)))
    except (OSError, ValueError):
        pass


def prune() -> None:
    """Keep the newest entries within _MAX_ENTRIES and _MAX_BYTES, oldest out first."""
    try:
        with os.scandir(_folder()) as it:
            entries = [(st.st_mtime_ns, st.st_size, e.path) for e in it
                       if e.name.endswith(".marshal") and (st := e.stat(follow_symlinks=False))]
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    if len(entries) <= _MAX_ENTRIES and total <= _MAX_BYTES:
        return
    entries.sort(reverse=True)
    kept = kept_bytes = 0
    for _, size, path in entries:
        if kept < _MAX_ENTRIES and kept_bytes + size <= _MAX_BYTES:
            kept += 1
            kept_bytes += size
            continue
        try:
            os.unlink(path)
        except OSError:
            pass
