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
_MAX_ENTRIES = 256
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


def put(k: str, bank: dict[str, Any]) -> None:
    """Store a validated bank; a cache that cannot be written is no error."""
    import tempfile

    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = marshal.dumps((_MAGIC, k, bank))
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, folder / f"{k}.marshal")
        _prune(folder)
    except (OSError, ValueError):
        pass


def _prune(folder: Path) -> None:
    entries = list(folder.glob("*.marshal"))
    if len(entries) <= _MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
    for old in entries[: len(entries) - _MAX_ENTRIES]:
        try:
            old.unlink()
        except OSError:
            pass
