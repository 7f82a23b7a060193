"""The bank index: the same metadata as a full load, never stale, never unvalidated."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from quizcli.bank import load_library
from quizcli.bank import index as index_mod
from quizcli.bank.index import Index, load_index
from quizcli.errors import BankError
from quizcli.model import Library

ROOT = Path(__file__).resolve().parent.parent
REVIEW_BANKS = Path(__file__).parent / "fixtures" / "review" / "content"


def fields(lib) -> list[tuple]:
    return [(q.id, q.bank_id, q.type, q.difficulty, tuple(q.tags), q.demo, q.claim) for q in lib.questions]


def agrees(index, lib: Library) -> None:
    assert fields(index) == fields(lib)
    assert [b.id for b in index.banks] == [b.id for b in lib.banks]
    assert [(b.source, b.builtin) for b in index.banks] == [(b.source, b.builtin) for b in lib.banks]
    for q in lib.questions:
        assert index.question(q.id) == q          # every field, source and line included
    fresh = load_index(index._loader[0], index._loader[1])
    for q in lib.questions:
        assert fresh.question(q.id, q.bank_id) == q       # the entry's bank given: the same question


def age(folder: Path, seconds: float = 60) -> None:
    """Date the files back, as files not touched just now are (see index._RACY_NS)."""
    for p in folder.rglob("*"):
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - int(seconds * 1e9)))


@pytest.fixture
def banks(tmp_path, no_builtin) -> Path:
    """A copy of the review fixtures, with no built-in content beside it."""
    folder = tmp_path / "banks"
    shutil.copytree(REVIEW_BANKS, folder)
    age(folder)
    return folder


def test_agrees_with_the_builtin_content(tmp_path, monkeypatch):
    from quizcli import paths

    # A copy, dated back: a bank being edited right now would (rightly) write no index.
    content = tmp_path / "content"
    shutil.copytree(paths.builtin_content_dir(), content)
    age(content)
    monkeypatch.setenv("QUIZCLI_CONTENT", str(content))
    lib = load_library()
    assert lib.questions and all(b.builtin for b in lib.banks)
    first = load_index()
    assert not first.hit
    agrees(first, lib)
    again = load_index()
    assert again.hit, "the second load must come from the index"
    agrees(again, lib)


def test_agrees_on_a_generated_corpus(tmp_path, no_builtin):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 240)
    age(corpus)
    lib = load_library([corpus], include_builtin=False)
    assert len(lib.questions) == 240
    load_index([corpus], include_builtin=False)
    index = load_index([corpus], include_builtin=False)
    assert index.hit
    agrees(index, lib)


def test_a_changed_bank_is_seen(banks):
    assert not load_index([banks]).hit
    assert load_index([banks]).hit
    path = banks / "rw.yaml"
    # Same size, same modification time: only the change time (and content) differ.
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "difficulty: 2" in text
    path.write_text(text.replace("difficulty: 2", "difficulty: 4", 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    index = load_index([banks])
    assert not index.hit
    agrees(index, load_library([banks]))
    assert 4 in {q.difficulty for q in index.questions if q.bank_id == "rw"}


def test_an_added_or_removed_bank_is_seen(banks, tmp_path):
    load_index([banks])
    assert load_index([banks]).hit
    text = (banks / "rw.yaml").read_text(encoding="utf-8")
    (banks / "rx.yaml").write_text(text.replace("id: rw", "id: rx").replace("- id: rw-", "- id: rx-"),
                                   encoding="utf-8")
    age(banks)
    index = load_index([banks])
    assert not index.hit and "rx" in {b.id for b in index.banks}
    agrees(index, load_library([banks]))
    (banks / "rx.yaml").unlink()
    index = load_index([banks])
    assert not index.hit and "rx" not in {b.id for b in index.banks}
    assert load_index([banks]).hit     # the index of the first state again


def test_a_broken_bank_raises_bank_error_not_a_stale_index(banks):
    load_index([banks])
    assert load_index([banks]).hit
    path = banks / "rv.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("type: flashcard", "type: flashcrad", 1), encoding="utf-8")
    with pytest.raises(BankError) as err:
        load_index([banks])
    assert [p.field for p in err.value.problems] == ["questions[0].type"]
    # Fixed again: loads, and the old index is not trusted blindly.
    path.write_text(good, encoding="utf-8")
    agrees(load_index([banks]), load_library([banks]))


def test_a_missing_bank_file_is_an_error(banks):
    load_index([banks / "rv.yaml"])
    (banks / "rv.yaml").unlink()
    with pytest.raises(BankError):
        load_index([banks / "rv.yaml"])


def test_a_file_changed_just_now_writes_no_index(banks):
    (banks / "rv.yaml").touch()
    load_index([banks])
    assert not load_index([banks]).hit


def test_questions_fall_back_to_a_full_load_without_the_bank_cache(banks):
    lib = load_library([banks])
    load_index([banks])
    index = load_index([banks])
    assert index.hit
    shutil.rmtree(index_mod._folder().parent / "banks")
    agrees(index, lib)


def test_a_damaged_index_file_is_a_miss(banks):
    load_index([banks])
    for p in index_mod._folder().glob("*.marshal"):
        p.write_bytes(b"\x00garbage")
    index = load_index([banks])
    assert not index.hit
    agrees(index, load_library([banks]))


# --- each bank's own entry: one file edited among many ------------------------------


def _spy_full_loads(monkeypatch) -> list:
    calls = []
    real = index_mod._full_load
    monkeypatch.setattr(index_mod, "_full_load", lambda *a: calls.append(a) or real(*a))
    return calls


def _edit(path: Path, old: str, new: str) -> None:
    """Edit one file, dated back (the others are left as they are, change time included)."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def test_one_edited_bank_is_checked_alone_and_agrees_with_a_full_load(banks, monkeypatch):
    load_index([banks])
    assert load_index([banks]).hit
    full = _spy_full_loads(monkeypatch)
    _edit(banks / "rw.yaml", "difficulty: 2", "difficulty: 4")
    index = load_index([banks])
    assert full == [] and not index.hit            # from the banks' own entries, not a full load
    agrees(index, load_library([banks]))
    assert 4 in {q.difficulty for q in index.questions if q.bank_id == "rw"}
    assert load_index([banks]).hit                 # and the index of the whole is written again


@pytest.mark.parametrize("old, new, field", [
    ("- id: rw-sn", "- id: rv-card", "id"),                            # a question id the other bank uses
    ("difficulty: 2", "difficulty: 2\n    demo: no_such_demo", "demo"),
    ("difficulty: 2", "difficulty: 2\n    claim: no_such_claim", "claim"),
    ("difficulty: 2", "difficulty: 9", "difficulty"),               # a per-file problem
])
def test_a_problem_the_edit_brings_is_reported_by_the_full_load(banks, monkeypatch, old, new, field):
    load_index([banks])
    full = _spy_full_loads(monkeypatch)
    _edit(banks / "rw.yaml", old, new)
    with pytest.raises(BankError) as err:
        load_index([banks])
    assert len(full) == 1
    assert any(p.field.endswith(field) for p in err.value.problems), err.value.problems


def test_a_duplicate_bank_id_is_caught_across_banks(banks, monkeypatch):
    load_index([banks])
    _edit(banks / "rw.yaml", "id: rw\n", "id: rv\n")
    with pytest.raises(BankError):
        load_index([banks])


def test_topics_and_show_served_from_the_index_agree_with_the_library(tmp_path, monkeypatch):
    from quizcli import paths

    content = tmp_path / "content"
    shutil.copytree(paths.builtin_content_dir(), content)
    age(content)
    monkeypatch.setenv("QUIZCLI_CONTENT", str(content))
    lib = load_library()
    load_index()
    index = load_index()
    assert index.hit
    views = index.bank_views()
    assert [(v.id, v.title, v.description, v.builtin, v.source, [q.id for q in v.questions]) for v in views] == \
        [(b.id, b.title, b.description, b.builtin, b.source, [q.id for q in b.questions]) for b in lib.banks]
    claims = {q.claim for q in lib.questions if q.claim}
    assert claims
    for cid in claims:
        assert index.claim(cid) == lib.claim(cid)
    assert index.claim("no_such_claim") is None


def test_a_question_whose_bank_left_the_bank_cache_is_built_from_that_file_alone(banks, monkeypatch):
    lib = load_library([banks])
    load_index([banks])
    index = load_index([banks])
    assert index.hit
    for p in (index_mod._folder().parent / "banks").glob("*.marshal"):
        p.unlink()   # as when the bank cache keeps only the most recent banks
    monkeypatch.setattr(Index, "library", lambda self: pytest.fail("a load of every bank"))
    for q in lib.questions:
        assert index.question(q.id) == q



def test_an_entry_builds_its_full_question(banks):
    """Sessions call full() on what they ask: an entry read from the index
    builds the question there; a full Question (a miss) is its own."""
    lib = load_library([banks])
    load_index([banks])
    index = load_index([banks])
    assert index.hit
    entry = index.questions[0]
    assert isinstance(entry, index_mod.QuestionInfo) and not hasattr(entry, "choices")
    assert entry.full() == lib.question(entry.id) and entry.full() is index.question(entry.id)
    miss = index_mod.Index(index.banks, lib.questions, ((banks,), True), library=lib)
    assert miss.questions[0].full() is miss.questions[0]
