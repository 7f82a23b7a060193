"""A light index of the loaded banks, for commands that need every question's
metadata but the full question only for the cards they show (review, stats).

    load_index(extra=(), include_builtin=True) -> Index

Building the full model of a big library (about 117,000 objects for 20,000
questions) is most of what `quizcli review` and `quizcli stats` cost; they
need only each question's id, bank, type, difficulty, tags, demo and claim.
The index holds those as plain tuples in one `marshal` file (never pickle:
reading it back cannot run code) under the cache folder.

An index is written only after a full, validated `load_library()` of the
same sources, and is keyed on everything that load depends on: each bank
file's path, size, modification and change times and inode, whether it is
built-in, the demo ids the cross-bank checks look up, the loader's own files,
the bank cache's version, the parser and the Python version. So a changed,
added or removed bank is a miss, and a miss runs `load_library()`, which
raises BankError with every problem: validation is never skipped.

`Index.question(id)` builds one full Question on demand from the per-bank
cache entry whose content key the index recorded; if that entry is gone or
the file's content differs, it falls back to a full, validating load.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from quizcli.model import Library, Question, QuestionType

VERSION = 1
_MAGIC = "quizcli-bank-index"
_MAX_ENTRIES = 8

_QUESTION_TYPES = {t.value: t for t in QuestionType}


class QuestionInfo(NamedTuple):
    """What selection, scheduling and stats need of a question."""

    id: str
    bank_id: str
    type: QuestionType
    difficulty: int
    tags: tuple[str, ...]
    demo: str | None
    claim: str | None


class BankInfo(NamedTuple):
    id: str
    source: str          # the file, as Question.source gives it
    builtin: bool
    content_key: str     # its entry in the per-bank cache (quizcli.bank.cache)


class Index:
    """Every loaded question's metadata; full questions on demand.

    Duck-compatible with Library where selection reads it: `banks` (each
    with an `id`) and `questions` (each with id, bank_id, type, difficulty,
    tags). Read from the index file, `questions` are QuestionInfo entries;
    right after a full load they are the full Questions, which have the
    same fields.
    """

    def __init__(self, banks: tuple[BankInfo, ...], questions: tuple[QuestionInfo | Question, ...],
                 loader: tuple[tuple[Path, ...], bool], library: Library | None = None) -> None:
        self.banks = banks
        self.questions = questions
        self._loader = loader
        self._library = library
        self._built: dict[str, Question] = {}
        self._bank_data: dict[str, dict[str, dict[str, Any]] | None] = {}
        self._bank_of: dict[str, BankInfo] = {b.id: b for b in banks}
        self._info: dict[str, QuestionInfo] | None = None
        self._by_id: dict[str, Question] | None = None
        self.hit = library is None          # read from the index file (for tests and benches)

    def info(self, qid: str) -> QuestionInfo | None:
        if self._info is None:
            self._info = {q.id: q for q in self.questions}
        return self._info.get(qid)

    def question(self, qid: str, bank_id: str | None = None) -> Question:
        """The full question; KeyError if no loaded bank has it.

        `bank_id`, where the caller knows it (an entry's), spares looking
        the id up among all entries.
        """
        q = self._built.get(qid)
        if q is not None:
            return q
        from quizcli.gcpause import gc_paused

        with gc_paused():     # unpacking a bank's cache entry makes thousands of objects
            q = self._build(qid, bank_id)
        self._built[qid] = q
        return q

    def _build(self, qid: str, bank_id: str | None) -> Question:
        if self._library is not None:
            if self._by_id is None:
                self._by_id = {q.id: q for q in self._library.questions}
            q = self._by_id.get(qid)
        else:
            if bank_id is None:
                info = self.info(qid)
                if info is None:
                    raise KeyError(qid)
                bank_id = info.bank_id
            q = self._from_bank_cache(self._bank_of[bank_id], qid)
            if q is None:   # the cache entry is gone or the file changed: load (and validate) it all
                q = self.library().question(qid)
        if q is None:
            raise KeyError(qid)
        return q

    def library(self) -> Library:
        """The full library (loaded and validated on first need)."""
        if self._library is None:
            from quizcli.bank import load_library

            extra, include_builtin = self._loader
            self._library = load_library(extra=extra, include_builtin=include_builtin)
        return self._library

    def _from_bank_cache(self, bank: BankInfo, qid: str) -> Question | None:
        from quizcli.bank import cache, library, yamlio

        if bank.source not in self._bank_data:
            data = None
            try:
                raw = Path(bank.source).read_bytes()
            except OSError:
                raw = None
            if raw is not None and cache.key(raw, bank.builtin, yamlio.parser_name()) == bank.content_key:
                cached = cache.get(bank.content_key)
                if cached is not None:
                    data = {"bank": cached, "by_id": {q["id"]: q for q in cached["questions"]}}
            self._bank_data[bank.source] = data
        data = self._bank_data[bank.source]
        if data is None or qid not in data["by_id"]:
            return None
        # Only this question is built (the bank's claims come with it: they are few).
        one = {**data["bank"], "questions": [data["by_id"][qid]]}
        return library.build_bank(one, bank.source, bank.builtin).questions[0]


# --------------------------------------------------------------------------
# Keys and the file


def _folder() -> Path:
    from quizcli import paths

    return paths.cache_dir() / "index"


def _stat_key(path: Path) -> tuple:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _sources(extra: Iterable[Path], include_builtin: bool):
    """The sources load_library would read, or None if it would report a problem."""
    from quizcli import paths
    from quizcli.bank import library

    sources = []
    if include_builtin:
        content = paths.builtin_content_dir()
        if content.is_dir():
            found, _ = library.expand([content], builtin=True)
            sources += found
    found, missing = library.expand([*paths.user_bank_paths(), *extra])
    if missing:
        return None
    return library._dedupe(sources + found)


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
             f"{cache.code_fingerprint()}:{_stat_key(Path(__file__))}\0".encode())
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


def _from_plain(banks: tuple, questions: tuple) -> tuple[tuple[BankInfo, ...], tuple[QuestionInfo, ...]]:
    types = _QUESTION_TYPES
    new = tuple.__new__
    return (tuple(BankInfo._make(b) for b in banks),
            tuple([new(QuestionInfo, (q[0], q[1], types[q[2]], q[3], q[4], q[5], q[6])) for q in questions]))


def load_index(extra: Iterable[Path] = (), include_builtin: bool = True) -> Index:
    """The index of what `load_library(extra, include_builtin)` loads.

    Raises BankError (through load_library) whenever that would.
    """
    from quizcli.gcpause import gc_paused

    with gc_paused():
        return _load_index(extra, include_builtin)


def _load_index(extra: Iterable[Path], include_builtin: bool) -> Index:
    from quizcli.bank import load_with_keys

    extra = tuple(Path(p) for p in extra)
    loader = (extra, include_builtin)
    sources = _sources(extra, include_builtin)
    k = _key(sources) if sources is not None else None
    if k is not None:
        found = _read(k)
        if found is not None:
            banks, questions = _from_plain(*found)
            return Index(banks, questions, loader)
    lib, keys = load_with_keys(extra, include_builtin)
    # Recorded only if no file changed while it loaded, nor just before.
    if k is not None and _key(sources) == k and not _racy(sources):
        _write(k, tuple((b.id, b.source, b.builtin, keys[b.source]) for b in lib.banks), _plain(lib))
    # Full questions have every field an entry has: no entries to build.
    banks = tuple(BankInfo(b.id, b.source, b.builtin, keys[b.source]) for b in lib.banks)
    return Index(banks, lib.questions, loader, library=lib)


def _plain(lib: Library) -> tuple:
    """Each question's entry as plain data (marshal takes no NamedTuple)."""
    # Equal values share one object (tag lists, demo and claim ids): marshal
    # then writes a reference, and the index loads faster and smaller.
    one = {}.setdefault
    value = {t: t.value for t in QuestionType}     # Enum.value is slow, and this runs per question
    return tuple([(q.id, q.bank_id, value[q.type], q.difficulty, one(q.tags, q.tags), one(q.demo, q.demo),
                   one(q.claim, q.claim)) for b in lib.banks for q in b.questions])
