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

Beside that index of the whole, each bank file has an entry of its own
(quizcli.bank.perbank): when the whole misses because one file of many
changed, only that file is checked, and the cross-bank checks run on the
others' summaries; any doubt falls back to the full, validating load.

`Index.question(id)` builds one full Question on demand from the per-bank
cache entry whose content key the index recorded; if that entry is gone or
the file's content differs, it falls back to a full, validating load. An
entry read from the index builds its own with `entry.full()` (its class
knows the index), so sessions take entries and call `full()` on the
questions they ask, as on full Questions (`Question.full()` is itself): no
callback is passed around. `Index.claim(id)` and `Index.bank_views()`
serve `show` and `topics` without loading every question.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, NamedTuple

# Re-exported: tests and benches reach the folder, the version and the racy window here.
from quizcli.bank.indexfile import _RACY_NS, VERSION, _folder, _stat_key  # noqa: F401
from quizcli.bank.indexfile import _bank_plain, _key, _racy, _read, _write
from quizcli.model import Library, Question, QuestionType

_QUESTION_TYPES = {t.value: t for t in QuestionType}


class QuestionInfo(NamedTuple):
    """What selection, scheduling and stats need of a question: its light
    record, where `Question` is the full one."""

    id: str
    bank_id: str
    type: QuestionType
    difficulty: int
    tags: tuple[str, ...]
    demo: str | None
    claim: str | None

    def full(self) -> Question | QuestionInfo:
        """The full question. Entries read from an index are of a subclass
        that builds it there (Index.question); an entry made by hand (as
        tests make them) has nothing more to it and stands for itself."""
        return self


class BankInfo(NamedTuple):
    id: str
    source: str          # the file, as Question.source gives it
    builtin: bool
    content_key: str     # its entry in the per-bank cache (quizcli.bank.cache)
    title: tuple | None = None         # (en, zh), as model.Text
    description: tuple | None = None
    claims: tuple[str, ...] = ()       # the claims it records


class BankView(NamedTuple):
    """What `topics` shows of a bank, from the index (duck-compatible with model.Bank there)."""

    id: str
    title: Any
    description: Any
    builtin: bool
    source: str
    questions: tuple


class Index:
    """Every loaded question's metadata; full questions on demand.

    Duck-compatible with Library where selection reads it: `banks` (each
    with an `id`) and `questions` (each with id, bank_id, type, difficulty,
    tags). Read from the index file, `questions` are QuestionInfo entries;
    right after a full load they are the full Questions, which have the
    same fields.
    """

    def __init__(self, banks: tuple[BankInfo, ...], questions: tuple[QuestionInfo | Question, ...],
                 loader: tuple[tuple[Path, ...], bool], library: Library | None = None,
                 hit: bool | None = None) -> None:
        self.banks = banks
        # Read from the index file, plain tuples: each becomes an entry of
        # this index's own QuestionInfo subclass, whose full() builds the
        # question here. Made with tuple.__new__ (one C call each: 20,000
        # questions is bench/bench_review.py's case).
        if library is None:
            index = self
            entry = type("QuestionInfo", (QuestionInfo,), {
                "__slots__": (), "__doc__": QuestionInfo.__doc__,
                "full": lambda e: index.question(e.id, e.bank_id)})
            types = _QUESTION_TYPES
            new = tuple.__new__
            questions = tuple([new(entry, (q[0], q[1], types[q[2]], q[3], q[4], q[5], q[6])) for q in questions])
        self.questions = questions
        self._loader = loader
        self._library = library
        self._built: dict[str, Question] = {}
        self._bank_data: dict[str, dict[str, dict[str, Any]] | None] = {}
        self._bank_of: dict[str, BankInfo] = {b.id: b for b in banks}
        self._info: dict[str, QuestionInfo] | None = None
        self._by_id: dict[str, Question] | None = None
        # Read from the index of the whole (for tests and benches); False after a
        # full load or when only some banks came from their own entries.
        self.hit = library is None if hit is None else hit

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

    def claim(self, claim_id: str) -> Any:
        """The claim as Library.claim gives it (the first bank that records it), or None."""
        if self._library is not None:
            return self._library.claim(claim_id)
        for bank in self.banks:
            if claim_id in bank.claims:
                data = self._cached_bank(bank)
                if data is None:
                    return self.library().claim(claim_id)
                from quizcli.bank import library

                one = {**data["bank"], "questions": []}
                built = library.build_bank(one, bank.source, bank.builtin)
                return next((c for c in built.claims if c.id == claim_id), None)
        return None

    def bank_views(self) -> tuple[Any, ...]:
        """Each bank's id, title, description, source and question entries (for `topics`)."""
        if self._library is not None:
            return self._library.banks
        from quizcli.model import Text

        by_bank: dict[str, list] = {b.id: [] for b in self.banks}
        for q in self.questions:
            by_bank[q.bank_id].append(q)
        make = tuple.__new__
        return tuple(BankView(b.id, None if b.title is None else make(Text, b.title),
                              None if b.description is None else make(Text, b.description),
                              b.builtin, b.source, tuple(by_bank[b.id])) for b in self.banks)

    def library(self) -> Library:
        """The full library (loaded and validated on first need)."""
        if self._library is None:
            from quizcli.bank import load_library

            extra, include_builtin = self._loader
            self._library = load_library(extra=extra, include_builtin=include_builtin)
        return self._library

    def _from_bank_cache(self, bank: BankInfo, qid: str) -> Question | None:
        from quizcli.bank import library

        data = self._cached_bank(bank)
        if data is None or qid not in data["by_id"]:
            return None
        # Only this question is built (the bank's claims come with it: they are few).
        one = {**data["bank"], "questions": [data["by_id"][qid]]}
        return library.build_bank(one, bank.source, bank.builtin).questions[0]

    def _cached_bank(self, bank: BankInfo) -> dict[str, Any] | None:
        """The bank's checked data from the bank cache, if the file still holds it."""
        from quizcli.bank import cache, yamlio

        if bank.source not in self._bank_data:
            data = None
            try:
                raw = Path(bank.source).read_bytes()
            except OSError:
                raw = None
            if raw is not None and cache.key(raw, bank.builtin, yamlio.parser_name()) == bank.content_key:
                cached = cache.get(bank.content_key)
                if cached is None:
                    # The bank cache let it go (it keeps the most recent banks only):
                    # the file is the one validated when the index was written (same
                    # content key), so checking it alone again rebuilds its entry,
                    # instead of a load of every bank.
                    cached = _check_file(raw, bank)
                if cached is not None:
                    data = {"bank": cached, "by_id": {q["id"]: q for q in cached["questions"]}}
            self._bank_data[bank.source] = data
        return self._bank_data[bank.source]


def _check_file(raw: bytes, bank: BankInfo) -> dict[str, Any] | None:
    """A bank file's checked data, from the per-file checks alone; None on any problem."""
    from quizcli.bank import library

    f = library._File(library.Source(Path(bank.source), bank.builtin))
    k = f.key = bank.content_key
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    for parsed in library._parsed_ahead([text]):
        library._check_parsed(f, k, text, parsed)
    if f.problems or f.issues or f.bank is None:
        return None
    return f.bank


# --------------------------------------------------------------------------
# Keys and the file


def _sources(extra: Iterable[Path], include_builtin: bool):
    """The sources load_library would read, or None if it would report a problem."""
    from quizcli.bank.sources import library_sources

    sources, missing = library_sources(extra, include_builtin)
    return None if missing else sources


def load_index(extra: Iterable[Path] = (), include_builtin: bool = True) -> Index:
    """The index of what `load_library(extra, include_builtin)` loads.

    Raises BankError (through load_library) whenever that would. Its objects
    are then frozen out of the cyclic collector's sight (gc.freeze): they
    live as long as the command, and a collection later in the command
    would walk all of them again.
    """
    from quizcli.gcpause import bulk_objects

    with bulk_objects():
        return _load_index(extra, include_builtin)


def _load_index(extra: Iterable[Path], include_builtin: bool) -> Index:
    extra = tuple(Path(p) for p in extra)
    loader = (extra, include_builtin)
    sources = _sources(extra, include_builtin)
    k = _key(sources) if sources is not None else None
    if k is not None:
        found = _read(k)
        if found is not None:
            banks, questions = found
            return Index(tuple(BankInfo._make(b) for b in banks), questions, loader)
        from quizcli.bank import perbank

        quick = perbank.from_bank_entries(sources, k)
        if quick is not None:
            banks, questions = quick
            return Index(tuple(BankInfo._make(b) for b in banks), questions, loader, hit=False)
    return _full_load(extra, include_builtin, sources, k)


def _full_load(extra: tuple[Path, ...], include_builtin: bool, sources, k: str | None) -> Index:
    """load_library, then the index of the whole and each bank's entry written."""
    from quizcli.bank import load_with_keys

    loader = (extra, include_builtin)
    lib, keys = load_with_keys(extra, include_builtin)
    # Recorded only if no file changed while it loaded, nor just before.
    if k is not None and _key(sources) == k and not _racy(sources):
        plain_banks = tuple(_bank_plain(b, keys[b.source]) for b in lib.banks)
        per_bank = [_questions_plain(b) for b in lib.banks]
        _write(k, plain_banks, tuple(q for qs in per_bank for q in qs))
        from quizcli.bank import perbank

        by_source = {str(s.path): s for s in sources}
        for b, pb, qs in zip(lib.banks, plain_banks, per_bank):
            source = by_source.get(b.source)
            if source is not None:
                no_demo = tuple(c.id for c in b.claims if c.no_demo is not None)
                perbank.write_entry(source, pb, qs, perbank.summary(b.questions, pb, no_demo))
    # Full questions have every field an entry has: no entries to build.
    banks = tuple(BankInfo(b.id, b.source, b.builtin, keys[b.source], None if b.title is None else tuple(b.title),
                           None if b.description is None else tuple(b.description),
                           tuple(c.id for c in b.claims)) for b in lib.banks)
    return Index(banks, lib.questions, loader, library=lib)


def _questions_plain(b: Any) -> tuple:
    """Each question's entry as plain data (marshal takes no NamedTuple)."""
    # Equal values share one object (tag lists, demo and claim ids): marshal
    # then writes a reference, and the index loads faster and smaller.
    one = {}.setdefault
    value = _TYPE_VALUE     # Enum.value is slow, and this runs per question
    return tuple([(q.id, q.bank_id, value[q.type], q.difficulty, one(q.tags, q.tags), one(q.demo, q.demo),
                   one(q.claim, q.claim)) for q in b.questions])


_TYPE_VALUE = {t: t.value for t in QuestionType}
