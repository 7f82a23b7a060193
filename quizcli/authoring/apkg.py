"""Reading an Anki package (.apkg, .colpkg) into a bank, and its review log
into progress data.

An .apkg is a zip file holding an SQLite collection: `collection.anki21b`
(Anki 2.1.50+, compressed with zstd, schema 18), `collection.anki21` (2.1.x)
or `collection.anki2` (older, and what genanki writes). The newest one
present is read; a package of 2.1.50+ also holds a `collection.anki2` whose
only note asks the user to update Anki, which is ignored.

Safety: the package is refused, with the reason, when it is not a zip file,
holds no collection, is damaged, or would unpack to more than
`MAX_COLLECTION_BYTES` (a zip or zstd bomb): the bytes are counted as they
are unpacked, whatever the headers claim. The collection is opened
read-only from a private temporary copy. Media files are never unpacked:
banks hold text, so an image or a sound becomes a marker in the text and is
listed among what was not carried. HTML becomes plain text (scripts and
styles dropped, entities decoded, line breaks kept).

Notes become flashcards in one language; notes of quizcli's own note type
(see anki_export) come back bilingual with their question ids. The ids of
other notes come from their Anki GUID, so importing the package again gives
the same ids (and progress stays attached).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from quizcli.errors import ExitCode, QuizcliError

MAX_COLLECTION_BYTES = 512 * 1024 * 1024      # unpacked; the largest real collections are well below
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 20
_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)[^>]*>", re.I)
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_BREAK = re.compile(r"<br\s*/?>|</(div|p|li|tr|h[1-6])\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FRONT = ("front", "question", "text", "prompt", "word", "expression", "q")
_BACK = ("back", "answer", "meaning", "definition", "a")
_QUIZCLI_FIELDS = ("Id", "ShowEn", "ShowZh", "QuestionEn", "QuestionZh")


def _bad(message: str, hint: str = "export the deck again from Anki (File > Export, Anki Deck Package)") -> QuizcliError:
    return QuizcliError(message, hint=hint, exit_code=ExitCode.BAD_INPUT)


@dataclass
class Package:
    """What was read from a package."""

    bank: dict[str, Any]                      # bank format v1 as data
    not_carried: list[str] = field(default_factory=list)
    progress: dict[str, Any] | None = None    # `quizcli progress export` data, for Store.import_
    collection: str = ""                      # which collection file was read


# --- unpacking, bounded -------------------------------------------------------------------


def _copy_bounded(src: IO[bytes], dst: IO[bytes], limit: int, what: str) -> None:
    total = 0
    while True:
        chunk = src.read(_CHUNK)
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise _bad(f"{what} unpacks to more than {limit // (1024 * 1024)} MiB; refused (a zip bomb, or not a deck)",
                       "import a deck of ordinary size, or split it in Anki")
        dst.write(chunk)


def _unpack_collection(path: Path, out: Path, limit: int) -> str:
    """Write the package's newest collection, unpacked, to `out`; return its name."""
    if not path.is_file():
        raise QuizcliError(f"no such file: {path}", hint="check the path", exit_code=ExitCode.NOT_FOUND)
    try:
        if not zipfile.is_zipfile(path):
            raise _bad(f"{path} is not an Anki package (not a zip file)",
                       "give a .apkg or .colpkg file exported by Anki")
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            name = next((n for n in COLLECTIONS if n in names), None)
            if name is None:
                raise _bad(f"{path} is a zip file but not an Anki package (no collection.anki2/anki21/anki21b in it)",
                           "give a .apkg or .colpkg file exported by Anki")
            info = z.getinfo(name)
            if info.file_size > limit and name != "collection.anki21b":
                raise _bad(f"{path}: the collection unpacks to {info.file_size // (1024 * 1024)} MiB,"
                           f" more than {limit // (1024 * 1024)} MiB; refused", "import a smaller deck")
            with z.open(info) as raw, open(out, "wb") as dst:
                if name == "collection.anki21b":
                    head = raw.read(4)
                    if head != _ZSTD_MAGIC:
                        raise _bad(f"{path}: {name} is not zstd-compressed; the package is damaged")
                    reader = _zstd_reader(_Prefixed(head, raw))
                    _copy_bounded(reader, dst, limit, f"{path} ({name})")
                else:
                    _copy_bounded(raw, dst, limit, f"{path} ({name})")
            return name
    except (zipfile.BadZipFile, EOFError, ValueError) as err:     # CRC errors, truncation
        raise _bad(f"{path} is damaged ({err})") from None
    except OSError as err:
        if isinstance(err, FileNotFoundError):
            raise QuizcliError(f"no such file: {path}", hint="check the path", exit_code=ExitCode.NOT_FOUND) from None
        raise _bad(f"cannot read {path}: {err.strerror or err}", "check the path and its permissions") from None


class _Prefixed:
    """A stream with some bytes already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self.head, self.rest = head, rest

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out + (self.rest.read(n - len(out)) if n > len(out) else b"")
        return self.rest.read(n)


def _zstd_reader(src: Any) -> Any:
    try:
        import zstandard
    except ImportError:
        raise QuizcliError("this package is in Anki's current format (zstd), which needs the zstandard package",
                           hint="pip install zstandard", exit_code=ExitCode.MISSING_EXTRA) from None

    class Reader:
        def __init__(self) -> None:
            self.stream = zstandard.ZstdDecompressor().stream_reader(src, read_across_frames=True)

        def read(self, n: int) -> bytes:
            try:
                return self.stream.read(n)
            except zstandard.ZstdError as err:
                raise ValueError(f"zstd: {err}") from None

    return Reader()


# --- text -----------------------------------------------------------------------------------


def plain_text(value: str, media: list[str]) -> str:
    """An Anki field (HTML) as plain text; media it refers to are added to `media`."""

    def image(m: re.Match[str]) -> str:
        name = html.unescape(m.group(1).strip("\"'"))
        media.append(name)
        return f"[image: {name}]"

    def sound(m: re.Match[str]) -> str:
        media.append(m.group(1))
        return f"[sound: {m.group(1)}]"

    text = _DROP.sub("", value)
    text = _IMG.sub(image, text)
    text = _SOUND.sub(sound, text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _cloze(text: str, reveal: bool) -> str:
    def sub(m: re.Match[str]) -> str:
        if reveal:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else "[...]"

    return _CLOZE.sub(sub, text)


def _tags(raw: str) -> list[str]:
    out = []
    for tag in raw.split():
        tag = re.sub(r"[^\w.+-]+", "-", tag.lower().replace("::", "-")).strip("-")
        if tag and tag not in out:
            out.append(tag)
    return out


# --- the collection ---------------------------------------------------------------------------


@dataclass
class _Notetype:
    name: str
    fields: list[str]
    cloze: bool


def _notetypes(db: sqlite3.Connection) -> dict[int, _Notetype]:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out: dict[int, _Notetype] = {}
    if "notetypes" in tables:          # schema 18 (anki21b, and anki21 from 2.1.28 on)
        fields: dict[int, list[tuple[int, str]]] = {}
        for ntid, ord_, name in db.execute("SELECT ntid, ord, name FROM fields"):
            fields.setdefault(ntid, []).append((ord_, name))
        cloze_templates = {ntid for ntid, config in db.execute("SELECT ntid, config FROM templates")
                           if config and b"{{cloze:" in bytes(config)}
        for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
            # NotetypeConfig's field 1 is its kind; 1 (cloze) is written as 08 01.
            kind_cloze = bool(config) and bytes(config)[:2] == b"\x08\x01"
            out[ntid] = _Notetype(name, [n for _, n in sorted(fields.get(ntid, []))],
                                  kind_cloze or ntid in cloze_templates)
    else:                              # schema 11: JSON in the col table
        models = json.loads(db.execute("SELECT models FROM col").fetchone()[0] or "{}")
        for mid, m in models.items():
            flds = sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))
            out[int(mid)] = _Notetype(str(m.get("name", "")), [str(f.get("name", "")) for f in flds],
                                      m.get("type") == 1)
    return out


def _sched_v1(db: sqlite3.Connection) -> bool:
    """Whether the review log is the v1 scheduler's (in learning, 3 meant easy)."""
    try:
        row = db.execute("SELECT conf FROM col").fetchone()
        conf = json.loads(row[0]) if row and row[0] else {}
    except (sqlite3.DatabaseError, ValueError):
        return False
    if not conf:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "config" in tables:
            row = db.execute("SELECT val FROM config WHERE KEY = 'schedVer'").fetchone()
            return bool(row) and row[0] in (b"1", "1")
        return False
    return conf.get("schedVer", 1) == 1


def _pick(names: list[str], wanted: tuple[str, ...], default: int | None) -> int | None:
    lower = [n.lower() for n in names]
    for w in wanted:
        if w in lower:
            return lower.index(w)
    return default


def _id_for(bank_id: str, guid: str) -> str:
    return f"{bank_id.replace('_', '-')}-{hashlib.sha256(guid.encode()).hexdigest()[:8]}"


def _question(note: tuple, nt: _Notetype, bank_id: str, lang: str, media: list[str],
              not_carried: list[str], source: str) -> dict[str, Any] | None:
    nid, guid, _mid, tags, flds = note
    values = flds.split("\x1f")
    where = f"note {nid}"
    if nt.fields[:len(_QUIZCLI_FIELDS)] == list(_QUIZCLI_FIELDS) and len(values) >= 11:
        return _quizcli_question(dict(zip(nt.fields, values)), tags, where, media, not_carried)
    by_name = dict(zip(nt.fields, values))
    if nt.cloze:
        text_i = _pick(nt.fields, ("text",), 0)
        raw = values[text_i] if text_i is not None and text_i < len(values) else ""
        prompt, answer = plain_text(_cloze(raw, False), media), plain_text(_cloze(raw, True), media)
        used = {text_i}
    else:
        front = _pick(nt.fields, _FRONT, 0)
        back = _pick(nt.fields, _BACK, 1 if len(values) > 1 else None)
        if back == front:
            back = None
        prompt = plain_text(values[front], media) if front is not None and front < len(values) else ""
        answer = plain_text(values[back], media) if back is not None and back < len(values) else ""
        used = {front, back}
    extra = [(name, plain_text(value, media)) for i, (name, value) in enumerate(by_name.items()) if i not in used]
    extra = [(name, text) for name, text in extra if text]
    if not prompt:
        not_carried.append(f"{where}: no question text (note type {nt.name!r})")
        return None
    if not answer:
        not_carried.append(f"{where}: no answer text (note type {nt.name!r})")
        return None
    explanation = "\n".join(f"{name}: {text}" for name, text in extra) or f"(No explanation: imported from {source}.)"
    return {"id": _id_for(bank_id, guid), "type": "flashcard", "prompt": {lang: prompt}, "answer": {lang: answer},
            "explanation": {lang: explanation}, "tags": _tags(tags), "difficulty": 3}


def _quizcli_question(f: dict[str, str], tags: str, where: str, media: list[str],
                      not_carried: list[str]) -> dict[str, Any] | None:
    """A note quizcli exported: both languages and its own id come back (as a flashcard)."""
    qid = plain_text(f["Id"], media)
    out: dict[str, Any] = {"id": qid, "type": "flashcard", "prompt": {}, "answer": {}, "explanation": {}}
    for lang, suffix in (("en", "En"), ("zh", "Zh")):
        prompt = plain_text(f["Question" + suffix], media)
        choices = plain_text(f["Choices" + suffix], media)
        if prompt:
            out["prompt"][lang] = prompt + ("\n" + choices if choices else "")
        for key in ("answer", "explanation"):
            text = plain_text(f[key.capitalize() + suffix], media)
            if text:
                out[key][lang] = text
    if not out["prompt"] or not out["answer"]:
        not_carried.append(f"{where} ({qid}): no question or answer text")
        return None
    if not out["explanation"]:
        out["explanation"] = {lang: "(No explanation.)" for lang in out["prompt"]}
    bank = plain_text(f.get("Bank", ""), media)
    out["tags"] = [t for t in _tags(tags) if t != bank]
    out["difficulty"] = 3
    refs = plain_text(f.get("Refs", ""), media)
    if refs:
        out["refs"] = [r.strip() for r in refs.split(";") if r.strip()]
    return out


def _progress(db: sqlite3.Connection, first_cards: dict[int, str], v1: bool) -> tuple[dict[str, Any], list[str]]:
    """The review log of the carried cards as `quizcli progress export` data."""
    answers = []
    skipped = {"manual": 0, "filtered": 0}
    seen: set[int] = set()
    rows = db.execute("SELECT id, cid, ease, ivl, time, type FROM revlog ORDER BY id").fetchall()
    for rid, cid, ease, ivl, ms, kind in rows:
        qid = first_cards.get(cid)
        if qid is None:
            continue
        if kind >= 4 or not 1 <= ease <= 4:
            skipped["manual"] += 1           # rescheduled by hand, or reset: not a review
            continue
        if kind == 3 and ivl == 0:
            skipped["filtered"] += 1         # a cram in a filtered deck that did not reschedule
            continue
        if v1 and kind in (0, 2) and ease >= 2:
            ease += 1                        # the v1 scheduler's learning buttons were again/good/easy
        first = cid not in seen
        seen.add(cid)
        state_before = None if first else {0: 1, 1: 2, 2: 3, 3: 2}[kind]
        answers.append({"uid": f"anki-{cid}-{rid}", "question_id": qid,
                        "at": datetime.fromtimestamp(rid / 1000, timezone.utc).isoformat().replace("+00:00", "Z"),
                        "given": "(reviewed in Anki)", "correct": ease > 1, "grade": ease,
                        "seconds": ms / 1000 if ms and ms > 0 else None, "mode": "review", "rating": ease,
                        "state_before": state_before, "card_before": None, "due_after": None})
    notes = []
    if skipped["manual"]:
        notes.append(f"{skipped['manual']} review-log entries that were not reviews (set due date, reset, forget)")
    if skipped["filtered"]:
        notes.append(f"{skipped['filtered']} reviews in filtered decks that did not reschedule (cram)")
    from quizcli.store import EXPORT_FORMAT, EXPORT_VERSION

    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "answers": answers, "cards": {}}, notes


def read_package(path: Path, bank_id: str, title: str, lang: str = "en", with_progress: bool = False,
                 limit: int | None = None) -> Package:
    """Read an Anki package into bank data (and progress data)."""
    tmpdir = tempfile.mkdtemp(prefix="quizcli-apkg-")
    tmp = Path(tmpdir) / "collection.sqlite"
    try:
        name = _unpack_collection(path, tmp, limit or MAX_COLLECTION_BYTES)
        try:
            db = sqlite3.connect(f"{tmp.as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                return _read_collection(db, path, name, bank_id, title, lang, with_progress)
            finally:
                db.close()
        except sqlite3.DatabaseError as err:
            raise _bad(f"{path}: the collection in it is damaged or not an Anki collection ({err})") from None
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
            raise _bad(f"{path}: the collection in it is not one this quizcli can read ({type(err).__name__}: {err})")\
                from None
    finally:
        tmp.unlink(missing_ok=True)
        os.rmdir(tmpdir)


def _read_collection(db: sqlite3.Connection, path: Path, name: str, bank_id: str, title: str, lang: str,
                     with_progress: bool) -> Package:
    notetypes = _notetypes(db)
    notes = db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall()
    cards = db.execute("SELECT id, nid, ord FROM cards ORDER BY nid, ord, id").fetchall()
    not_carried: list[str] = []
    questions: list[dict[str, Any]] = []
    media: list[str] = []
    qid_of_note: dict[int, str] = {}
    ids: set[str] = set()
    for note in notes:
        nt = notetypes.get(note[2])
        if nt is None:
            not_carried.append(f"note {note[0]}: its note type {note[2]} is missing from the collection")
            continue
        q = _question(note, nt, bank_id, lang, media, not_carried, path.name)
        if q is None:
            continue
        if q["id"] in ids:
            not_carried.append(f"note {note[0]}: a second note with the id {q['id']}")
            continue
        ids.add(q["id"])
        questions.append(q)
        qid_of_note[note[0]] = q["id"]
    first_cards: dict[int, str] = {}
    have_card: set[str] = set()
    extra_cards = 0
    for cid, nid, _ord in cards:          # ordered by note, then template: the first is ord 0
        qid = qid_of_note.get(nid)
        if qid is None:
            continue
        if qid in have_card:
            extra_cards += 1
        else:
            have_card.add(qid)
            first_cards[cid] = qid
    if extra_cards:
        not_carried.append(f"{extra_cards} card{'s' if extra_cards != 1 else ''} beyond each note's first"
                           " (reverse cards, cloze deletions after the first) and their reviews")
    if media:
        unique = sorted(set(media))
        shown = ", ".join(unique[:5]) + (f" and {len(unique) - 5} more" if len(unique) > 5 else "")
        not_carried.append(f"{len(unique)} media file{'s' if len(unique) != 1 else ''} ({shown}): banks hold text,"
                           " so each is a marker like [image: NAME] in the text")
    if not questions:
        raise _bad(f"found no notes to import in {path}", "export a deck that has notes, from Anki")
    progress = None
    if with_progress:
        progress, notes_on_log = _progress(db, first_cards, _sched_v1(db))
        not_carried += notes_on_log
    bank = {"format_version": 1, "id": bank_id, "title": {lang: title},
            "description": {lang: f"Imported from the Anki package {path.name}."}, "questions": questions}
    return Package(bank, not_carried, progress, name)
