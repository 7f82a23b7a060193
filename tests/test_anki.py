"""Anki round trips, checked against Anki itself (the `anki` package, in the
test extra): quizcli's .apkg imported into a fresh Anki collection, and
packages that Anki wrote imported into quizcli."""

from __future__ import annotations


import sqlite3
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from tests.cli_run import run

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

from quizcli.authoring import apkg  # noqa: E402
from quizcli.authoring.anki_export import _anki_day  # noqa: E402
from quizcli.bank import load_library, validate_paths  # noqa: E402
from quizcli.errors import ExitCode  # noqa: E402
from quizcli.scheduler import REVIEW, Scheduler  # noqa: E402
from quizcli.store import open_store  # noqa: E402



def _ok(args, env=None):
    code, out, err = run(args, env=env)
    assert code == 0, out + err
    return out, err


def _fresh(tmp_path, name="anki") -> Collection:
    folder = tmp_path / name
    folder.mkdir()
    return Collection(str(folder / "collection.anki2"))


def _import_into(col, path, scheduling=False):
    req = anki_collection.ImportAnkiPackageRequest(
        package_path=str(path), options=anki_collection.ImportAnkiPackageOptions(with_scheduling=scheduling))
    return col.import_anki_package(req).log


def _note(col, qid):
    return col.get_note(col.find_notes(f'"Id:{qid}"')[0])


# --- quizcli -> Anki -------------------------------------------------------------------------


def test_export_imports_into_anki_with_notes_cards_decks_and_tags(example, tmp_path):
    deck = tmp_path / "deck.apkg"
    _ok(["export", "-f", "anki", "-o", str(deck), "--bank", str(example), "--lang", "en"])
    col = _fresh(tmp_path)
    log = _import_into(col, deck)
    assert len(log.new) == 6 and not log.conflicting and not log.duplicate
    assert col.note_count() == 6 and col.card_count() == 6
    assert "quizcli::Example bank · 示例题库" in [d.name for d in col.decks.all_names_and_ids()]
    note = _note(col, "example-bn-params")
    assert note["ShowEn"] == "1" and note["ShowZh"] == ""
    assert note["AnswerEn"] == "128" and "gamma and beta" in note["ExplanationEn"]
    assert "每个通道" in note["ExplanationZh"]       # both languages travel; the flags choose
    assert {"bn", "parameters", "pytorch", "example"} <= set(note.tags)
    card = note.cards()[0]
    assert card.type == 0 and card.queue == 0       # new, without --with-progress
    front = card.question()
    assert "nn.BatchNorm2d(64)" in front and "有多少个" not in front
    both = tmp_path / "both.apkg"
    _ok(["export", "-f", "anki", "-o", str(both), "--bank", str(example), "--lang", "both"])
    col2 = _fresh(tmp_path, "anki2")
    _import_into(col2, both)
    front = _note(col2, "example-bn-params").cards()[0].question()
    assert "nn.BatchNorm2d(64)" in front and "有多少个" in front
    col.close()
    col2.close()


def test_english_then_chinese_export_updates_the_notes(example, tmp_path):
    en, zh = tmp_path / "en.apkg", tmp_path / "zh.apkg"
    _ok(["export", "-f", "anki", "-o", str(en), "--bank", str(example), "--lang", "en"],
        env={"QUIZCLI_NOW": "2026-01-01T10:00:00Z"})
    _ok(["export", "-f", "anki", "-o", str(zh), "--bank", str(example), "--lang", "zh"],
        env={"QUIZCLI_NOW": "2026-01-02T10:00:00Z"})
    col = _fresh(tmp_path)
    _import_into(col, en)
    log = _import_into(col, zh)
    assert len(log.updated) == 6 and not log.conflicting and not log.new and not log.duplicate
    assert col.note_count() == 6 and len(col.decks.all_names_and_ids()) == 3    # Default, quizcli, the bank
    note = _note(col, "example-bn-params")
    assert note["ShowEn"] == "" and note["ShowZh"] == "1"
    assert "有多少个" in note.cards()[0].question()
    col.close()


def test_re_export_after_a_content_change_updates_instead_of_duplicating(example, tmp_path):
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    _ok(["export", "-f", "anki", "-o", str(first), "--bank", str(example), "--lang", "en"],
        env={"QUIZCLI_NOW": "2026-01-01T10:00:00Z"})
    example.write_text(example.read_text(encoding="utf-8").replace("2 x 64 = 128", "2 x 64 = 128 (edited)"),
                       encoding="utf-8")
    _ok(["export", "-f", "anki", "-o", str(second), "--bank", str(example), "--lang", "en"],
        env={"QUIZCLI_NOW": "2026-01-05T10:00:00Z"})
    col = _fresh(tmp_path)
    _import_into(col, first)
    log = _import_into(col, second)
    assert col.note_count() == 6 and col.card_count() == 6 and not log.new and not log.conflicting
    assert "(edited)" in _note(col, "example-bn-params")["ExplanationEn"]
    col.close()


def _review(store, sched, qid, ratings, start, gap=None):
    """Rate `qid` as in `quizcli review`, each review when the card is due (or `gap` later)."""
    card, at = None, start
    for rating in ratings:
        after, _ = sched.review(card, rating, at)
        store.record_review(SimpleNamespace(question_id=qid, at=at, given="x", correct=rating > 1, grade=None,
                                            seconds=4.0, mode="review"), rating, card, after)
        card = after
        at = max(after.due, at + timedelta(minutes=1)) if gap is None else at + gap
    return card


def test_with_progress_carries_the_schedule_and_the_review_log(example, tmp_path):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    sched = Scheduler()
    with open_store() as store:
        reviewed = _review(store, sched, "example-bn-params", [3, 3, 3, 3], now - timedelta(days=40))
        failed = _review(store, sched, "example-bn-where", [3, 3, 3, 1], now - timedelta(days=30))
        store.record_answer(SimpleNamespace(question_id="example-bn-eval", at=now - timedelta(days=1), given="t",
                                            correct=True, grade=None, seconds=2.0, mode="quiz"))
    assert reviewed.state == REVIEW
    deck = tmp_path / "deck.apkg"
    out, _ = _ok(["export", "-f", "anki", "-o", str(deck), "--bank", str(example), "--lang", "en",
                  "--with-progress"])
    assert "schedule of 2 cards and 8 reviews" in out and "1 quiz/cram answer" in out
    col = _fresh(tmp_path)
    _import_into(col, deck, scheduling=True)
    card = _note(col, "example-bn-params").cards()[0]
    assert (card.type, card.queue) == (2, 2)
    assert card.due == col.sched.today + _anki_day(reviewed.due) - _anki_day(now)
    assert card.ivl == _anki_day(reviewed.due) - _anki_day(reviewed.last_review)
    assert card.reps == 4 and card.lapses == 0
    assert card.memory_state.stability == pytest.approx(reviewed.stability, rel=1e-3)
    assert card.memory_state.difficulty == pytest.approx(reviewed.difficulty, rel=1e-3)
    revlog = col.db.all(f"SELECT ease, type FROM revlog WHERE cid = {card.id} ORDER BY id")
    assert [e for e, _ in revlog] == [3, 3, 3, 3] and [t for _, t in revlog][-1] == 1
    lapsed = _note(col, "example-bn-where").cards()[0]
    assert lapsed.type == 3 and lapsed.lapses == 1 and lapsed.queue == 1    # relearning, due in minutes
    assert lapsed.memory_state.stability == pytest.approx(failed.stability, rel=1e-3)
    untouched = _note(col, "example-bn-eval").cards()[0]
    assert untouched.type == 0 and col.db.scalar(f"SELECT count() FROM revlog WHERE cid = {untouched.id}") == 0
    col.close()


# --- Anki -> quizcli -------------------------------------------------------------------------


def _anki_deck(tmp_path) -> tuple[Collection, dict[str, int]]:
    """A collection built with Anki: Basic with HTML, an image and a sound; Basic
    (and reversed card); Cloze; hierarchical tags; some cards answered in Anki."""
    col = _fresh(tmp_path, "source")
    did = col.decks.id("Biology::Cells")
    ids = {}
    basic = col.models.by_name("Basic")
    n = col.new_note(basic)
    n["Front"] = "What does the <b>mitochondrion</b> make?<br><img src=\"cell.png\"> <script>alert(1)</script>"
    n["Back"] = "ATP &amp; heat [sound:atp.mp3]"
    n.tags = ["Bio::Cells", "exam"]
    col.add_note(n, did)
    ids["basic"] = n.id
    rev = col.new_note(col.models.by_name("Basic (and reversed card)"))
    rev["Front"], rev["Back"] = "DNA", "Deoxyribonucleic acid"
    col.add_note(rev, did)
    ids["reversed"] = rev.id
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "The {{c1::nucleus}} holds the {{c2::DNA::molecule}}."
    cloze["Back Extra"] = "Eukaryotes only"
    col.add_note(cloze, did)
    ids["cloze"] = cloze.id
    col.decks.select(did)
    for _ in range(3):                        # answer the first queued cards: a real review log
        queued = col.sched.get_queued_cards(fetch_limit=1).cards
        if not queued:
            break
        card = col.get_card(queued[0].card.id)
        card.start_timer()
        col.sched.answerCard(card, 3)
    return col, ids


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b", "legacy"])
def test_a_package_anki_wrote_becomes_a_bank_and_history(tmp_path, legacy, no_builtin):
    col, ids = _anki_deck(tmp_path)
    answered = col.db.scalar("SELECT count() FROM revlog")
    first_card_reviews = col.db.scalar(
        "SELECT count() FROM revlog r JOIN cards c ON c.id = r.cid WHERE c.ord = 0")
    package = tmp_path / "bio.apkg"
    col.export_anki_package(out_path=str(package), limit=None, options=anki_collection.ExportAnkiPackageOptions(
        with_scheduling=True, with_media=True, legacy=legacy))
    col.close()
    with zipfile.ZipFile(package) as z:
        assert ("collection.anki21b" in z.namelist()) is (not legacy)
    bank = tmp_path / "bio.yaml"
    out, err = _ok(["import", str(package), "-o", str(bank), "--with-progress"])
    assert validate_paths([bank], against_builtin=False) == []
    assert "wrote 3 questions" in out and ("anki21b" in out) is (not legacy)
    assert "not carried: 2 cards beyond each note's first" in err      # the reverse card and cloze 2
    assert "2 media files (atp.mp3, cell.png)" in err
    data = yaml.safe_load(bank.read_text(encoding="utf-8"))
    by_prompt = {q["prompt"]["en"]: q for q in data["questions"]}
    basic = by_prompt["What does the mitochondrion make?\n[image: cell.png]"]
    assert basic["answer"]["en"] == "ATP & heat [sound: atp.mp3]" and "alert" not in str(basic)
    assert basic["tags"] == ["bio-cells", "exam"] and basic["type"] == "flashcard"
    cloze = by_prompt["The [...] holds the [molecule]."]
    assert cloze["answer"]["en"] == "The nucleus holds the DNA." and cloze["explanation"]["en"] == "Back Extra: Eukaryotes only"
    assert by_prompt["DNA"]["answer"]["en"] == "Deoxyribonucleic acid"
    assert answered == 3 and first_card_reviews >= 1
    assert f"progress: {first_card_reviews} review" in out
    with open_store(readonly=True) as store:
        exported = store.export()
    assert len(exported["answers"]) == first_card_reviews
    assert {a["question_id"] for a in exported["answers"]} <= set(q["id"] for q in data["questions"])
    assert exported["cards"] and all(a["mode"] == "review" for a in exported["answers"])
    # Again: the same ids, nothing added twice.
    out, _ = _ok(["import", str(package), "-o", str(bank), "--with-progress", "--force"])
    assert "progress: 0 reviews added" in out
    assert yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"] == data["questions"]


def test_quizcli_deck_through_anki_comes_back_bilingual_with_its_ids(example, tmp_path):
    deck = tmp_path / "deck.apkg"
    _ok(["export", "-f", "anki", "-o", str(deck), "--bank", str(example), "--lang", "en"])
    col = _fresh(tmp_path)
    _import_into(col, deck)
    again = tmp_path / "from-anki.apkg"
    col.export_anki_package(out_path=str(again), limit=None,
                            options=anki_collection.ExportAnkiPackageOptions(with_scheduling=False))
    col.close()
    bank = tmp_path / "back.yaml"
    _ok(["import", str(again), "-o", str(bank)])
    lib = load_library(extra=[bank], include_builtin=False)
    qs = {q.id: q for q in lib.questions}
    assert set(qs) == {q.id for q in load_library(extra=[example], include_builtin=False).questions}
    q = qs["example-bn-params"]
    assert q.answer_text.en == "128" and "nn.BatchNorm2d(64)" in q.prompt.en and "有多少个" in q.prompt.zh
    assert set(q.tags) == {"bn", "parameters", "pytorch"}


# --- refusals ----------------------------------------------------------------------------------


def _refused(tmp_path, package: Path, code=ExitCode.BAD_INPUT) -> str:
    got, out, err = run(["import", str(package), "-o", str(tmp_path / "out.yaml")])
    assert got == code, out + err
    assert "Traceback" not in out + err and not (tmp_path / "out.yaml").exists()
    return " ".join((out + err).split())


def test_not_a_package_is_refused(tmp_path):
    bad = tmp_path / "notes.apkg"
    bad.write_text("hello", encoding="utf-8")
    assert "not an Anki package (not a zip file)" in _refused(tmp_path, bad)
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("readme.txt", "hi")
    assert "no collection.anki2/anki21/anki21b" in _refused(tmp_path, bad)
    assert "no such file" in _refused(tmp_path, tmp_path / "missing.apkg", ExitCode.NOT_FOUND)


def test_a_damaged_package_is_refused(tmp_path):
    bad = tmp_path / "bad.apkg"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("collection.anki2", b"SQLite format 3\x00" + b"\x01" * 5000)
    assert "damaged" in _refused(tmp_path, bad)
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd" + b"garbage" * 100)
    assert "damaged" in _refused(tmp_path, bad)
    # A good deck cut short.
    good = tmp_path / "good.apkg"
    db = sqlite3.connect(tmp_path / "c.anki2")
    db.execute("CREATE TABLE t (x)")
    db.executemany("INSERT INTO t VALUES (?)", [(str(i) * 50,) for i in range(2000)])
    db.commit()
    db.close()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(tmp_path / "c.anki2", "collection.anki2")
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "damaged" in _refused(tmp_path, bad)
    # A valid SQLite file that is not an Anki collection.
    assert "not an Anki collection" in _refused(tmp_path, good)


def test_a_zip_bomb_is_refused_by_the_bytes_unpacked(tmp_path, monkeypatch):
    import zstandard

    monkeypatch.setattr(apkg, "MAX_COLLECTION_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki2", b"\0" * (4 << 20))
    assert "more than 1 MiB; refused" in _refused(tmp_path, bomb)
    # zstd inside: the header cannot tell the size; the bytes are counted as they come.
    packed = zstandard.ZstdCompressor().compress(b"\0" * (8 << 20))
    assert len(packed) < 2000
    with zipfile.ZipFile(bomb, "w") as z:
        z.writestr("collection.anki21b", packed)
    assert "more than 1 MiB; refused" in _refused(tmp_path, bomb)


def test_html_becomes_safe_plain_text():
    media: list[str] = []
    text = apkg.plain_text('<div>a&nbsp;&lt;b&gt;</div><style>x{}</style><img src="x.png">\x1b[31m\u202e[red]y',
                           media)
    assert text == "a <b>\n[image: x.png][31m[red]y" and media == ["x.png"]

