"""Each bank file's own index entry, for when one file of many changed.

The index of the whole (quizcli.bank.index) is keyed on every bank file
together, so editing one file of a 100,000-question library missed it and
sent the next command through a full load (1.4 s). Each file therefore also
has an entry of its own (`index/per-bank/` in the cache folder), keyed on
that file alone (path, size, times, inode, built-in or not, the loader's
code): its questions' metadata and what the cross-bank checks need to know
of it (its bank id, the claims it records, the ids, claims and demos its
questions name). When the whole misses, the files whose entries still hold
come from them; only the changed ones are read and checked (the per-file
checks of load_library, from the content-keyed bank cache or parsed); and
the cross-bank checks run on the summaries as set operations
(`clean_across`). Any doubt (a file that cannot be read, a per-file
problem, a summary that might hide a cross-bank one, most files changed)
falls back to the full, validating load, which reports every problem with
its line: this path only ever says "no problem" where `load_library` would
say the same, and tests/test_bank_index.py checks that it does.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from quizcli.bank.indexfile import _MAGIC, VERSION, _bank_plain, _code_stats, _folder, _key, _racy, _stat_key, _write

class _Named(NamedTuple):
    claim: str | None
    demo: str | None


_MAX_ENTRIES = 20_000   # per-bank entries kept (a folder of 5,000 small banks fits)



def entry_folder() -> Path:
    return _folder() / "per-bank"


def _stamp(source) -> str | None:
    """What a bank's entry is valid for: the file as it is, the loader's code."""
    from quizcli.bank import cache, yamlio

    try:
        stat = _stat_key(source.path)
    except OSError:
        return None
    return (f"{_MAGIC}:{VERSION}:{cache.VERSION}:{yamlio.parser_name()}:{sys.version}:{marshal.version}:"
            f"{cache.code_fingerprint()}:{_code_stats()}:{source.path}:{int(source.builtin)}:{stat}")


def _entry_path(source) -> Path:
    return entry_folder() / (hashlib.sha256(f"{source.path}:{int(source.builtin)}".encode("utf-8", "surrogateescape")).hexdigest()[:40]
                             + ".marshal")


def summary(questions: Iterable[Any], bank_plain: tuple, no_demo: tuple[str, ...] = ()) -> tuple:
    """What the cross-bank checks need of one bank: (bank id, claims it records,
    claims with a `no_demo` reason, claims its questions name, claims named by
    a question with a demo, demos its questions name)."""
    named, with_demo, demos = set(), set(), set()
    for q in questions:
        if q.claim:
            named.add(q.claim)
            if q.demo:
                with_demo.add(q.claim)
        if q.demo:
            demos.add(q.demo)
    return (bank_plain[0], bank_plain[6], tuple(no_demo), tuple(sorted(named)), tuple(sorted(with_demo)),
            tuple(sorted(demos)))


def read_entry(source) -> tuple | None:
    stamp = _stamp(source)
    if stamp is None:
        return None
    try:
        entry = marshal.loads(_entry_path(source).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if isinstance(entry, tuple) and len(entry) == 5 and entry[0] == _MAGIC and entry[1] == stamp:
        return entry[2], entry[3], entry[4]
    return None


def write_entry(source, bank_plain: tuple, questions: tuple, summary: tuple) -> None:
    stamp = _stamp(source)
    if stamp is None:
        return
    from quizcli.bank.cache import _made, write_atomic

    try:
        _made(entry_folder())
        write_atomic(_entry_path(source), marshal.dumps((_MAGIC, stamp, bank_plain, questions, summary)))
    except (OSError, ValueError):
        pass


def _trim() -> None:
    folder = entry_folder()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    if len(names) <= _MAX_ENTRIES:
        return
    entries = []
    for name in names:
        try:
            entries.append((os.stat(folder / name).st_mtime, name))
        except OSError:
            pass
    entries.sort()
    for _, name in entries[: len(entries) - _MAX_ENTRIES]:
        try:
            os.unlink(folder / name)
        except OSError:
            pass


# Where a few files changed among many, checking those files alone and the
# rest from their entries pays; where most changed, a full load does the same work.
_QUICK_MAX_SHARE = 0.5


def from_bank_entries(sources, k: str) -> tuple[tuple, tuple] | None:
    """(banks, questions) as plain data from each bank's own entry, the
    changed files checked alone; None where a full load must decide."""
    if not sources:
        return None
    entries: list[tuple | None] = [read_entry(s) for s in sources]
    changed = [i for i, e in enumerate(entries) if e is None]
    if len(changed) > _QUICK_MAX_SHARE * len(sources):
        return None
    fresh = {}
    for i in changed:
        checked = check_alone(sources[i])
        if checked is None:
            return None
        entries[i] = fresh[i] = checked
    if not clean_across(sources, entries):
        return None
    banks = tuple(e[0] for e in entries)
    questions = tuple(q for e in entries for q in e[1])
    if _key(sources) == k and not _racy(sources):
        for i, (bank_plain, qs, summed) in fresh.items():
            write_entry(sources[i], bank_plain, qs, summed)
        _write(k, banks, questions)
        if fresh:
            _trim()
    return banks, questions


def check_alone(source) -> tuple | None:
    """A changed bank file, read and checked on its own (the per-file checks
    of load_library); its entry, or None if it has a problem or cannot be read."""
    from quizcli.bank import library

    f = library._File(source)
    todo = library._read_or_cached(f)
    if todo is not None:
        k, text = todo
        for parsed in library._parsed_ahead([text]):
            library._check_parsed(f, k, text, parsed)
    if f.bank is None or f.problems or f.issues or f.key is None:
        return None
    b = f.bank
    bank = library.build_bank({**b, "questions": []}, f.name, source.builtin)
    bank_plain = _bank_plain(bank, f.key)
    qs = tuple([(q["id"], b["id"], q["type"], q["difficulty"], tuple(q["tags"]), q["demo"], q["claim"])
                for q in b["questions"]])
    no_demo = tuple(c["id"] for c in b["claims"] if c.get("no_demo") is not None)
    return bank_plain, qs, summary([_Named(q[6], q[5]) for q in qs], bank_plain, no_demo)


def clean_across(sources, entries) -> bool:
    """True only if library._cross_checks would find nothing: bank ids and
    question ids unique, each claim recorded once among built-in banks and
    once among user banks, every claim a question names recorded, no claim
    with a `no_demo` reason named by a question with a demo, every demo known."""
    from quizcli.bank import library
    from quizcli.demo.folders import demo_ids

    bank_ids = [e[2][0] for e in entries]
    if len(set(bank_ids)) != len(bank_ids):
        return False
    recorded: set[str] = set()
    no_demo: set[str] = set()
    for builtin in (True, False):
        same = [c for s, e in zip(sources, entries) if s.builtin == builtin for c in e[2][1]]
        if len(set(same)) != len(same):
            return False
        recorded.update(same)
    for e in entries:
        no_demo.update(e[2][2])
    n = sum(len(e[1]) for e in entries)
    if len(set().union(*[[q[0] for q in e[1]] for e in entries])) != n:
        return False
    known = set(demo_ids())
    user_demos: dict[Path, set[str]] = {}
    for s, e in zip(sources, entries):
        _, _, _, named, with_demo, demos = e[2]
        if not recorded.issuperset(named) or no_demo.intersection(with_demo):
            return False
        if s.builtin:
            allowed = known
        else:
            folder = s.path.parent
            if folder not in user_demos:
                user_demos[folder] = known | library.user_demo_ids(folder)
            allowed = user_demos[folder]
        if not allowed.issuperset(demos):
            return False
    return True

