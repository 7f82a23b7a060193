"""The index's files: its keys, and reading and writing them (`marshal`,
never pickle). Shared by the index of the whole (quizcli.bank.index) and
each bank's own entry (quizcli.bank.perbank); see index.py for what is
kept and why."""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

VERSION = 2
_MAGIC = "quizcli-bank-index"
_MAX_ENTRIES = 8
# The index's own code: an edited index must not trust what its older self wrote.
_CODE = ("index.py", "indexfile.py", "perbank.py")


_code_stats_cache: str | None = None


def _code_stats() -> str:
    """The index code's files as they are on disk; stat once per process (a
    5,000-bank folder asks for it twice per bank)."""
    global _code_stats_cache
    if _code_stats_cache is None:
        here = Path(__file__).resolve().parent
        parts = []
        for name in _CODE:
            try:
                parts.append(f"{name}:{_stat_key(here / name)}")
            except OSError:
                parts.append(f"{name}:?")
        _code_stats_cache = ";".join(parts)
    return _code_stats_cache


def _folder() -> Path:
    from quizcli import paths

    return paths.cache_dir() / "index"


def _stat_key(path: Path) -> tuple:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# A file changed within this long before the index is written could change
# again within the same timestamp tick, size unchanged, and the key would not
# see it (git's "racy clean" problem): such a load writes no index.
_RACY_NS = 2_000_000_000


def _racy(sources) -> bool:
    import time

    limit = time.time_ns() - _RACY_NS
    try:
        return any(os.stat(s.path).st_mtime_ns > limit for s in sources)
    except OSError:
        return True


def _key(sources) -> str | None:
    """The combined key of the sources, or None when one cannot be read."""
    from quizcli.bank import cache, library, yamlio
    from quizcli.demo.folders import demo_ids

    h = hashlib.sha256()
    # The loader's code (cache.code_fingerprint): an edited checker must not
    # trust an index its older self wrote; nor an edited index.
    h.update(f"{_MAGIC}:{VERSION}:{cache.VERSION}:{yamlio.parser_name()}:{sys.version}:{marshal.version}:"
             f"{cache.code_fingerprint()}:{_code_stats()}\0".encode())
    try:
        folders = set()
        for s in sources:
            h.update(f"{s.path}:{int(s.builtin)}:{_stat_key(s.path)}\0".encode("utf-8", "surrogateescape"))
            if not s.builtin:
                folders.add(s.path.parent)
    except OSError:
        return None
    h.update(repr(sorted(demo_ids())).encode())
    for folder in sorted(folders):
        h.update(f"{folder}:{sorted(library.user_demo_ids(folder))}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _read(k: str) -> tuple[tuple, tuple] | None:
    try:
        entry = marshal.loads((_folder() / f"{k}.marshal").read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == _MAGIC and entry[1] == k
            and isinstance(entry[2], tuple) and isinstance(entry[3], tuple)):
        return entry[2], entry[3]
    return None


def _write(k: str, banks: tuple, questions: tuple) -> None:
    """Store an index; one that cannot be written is no error."""
    import tempfile

    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = marshal.dumps((_MAGIC, k, banks, questions))
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, folder / f"{k}.marshal")
        entries = sorted(folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime)
        for old in entries[: max(0, len(entries) - _MAX_ENTRIES)]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass


def _bank_plain(b: Any, content_key: str) -> tuple:
    return (b.id, b.source, b.builtin, content_key, None if b.title is None else tuple(b.title),
            None if b.description is None else tuple(b.description), tuple(c.id for c in b.claims))
