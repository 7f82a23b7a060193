"""The Anki deck (.apkg): one bilingual note type, stable GUIDs, and
optionally each card's schedule and review log.

One note type carries both languages; two flag fields (`ShowEn`, `ShowZh`)
say which the card shows, so exporting in English and then in Chinese
updates the same notes in Anki (same GUID, same note type) instead of
being skipped as a note-type conflict. GUIDs, the note type id and the deck
ids are derived from stable names (the question id, the bank id), so a
re-export after a content change updates the notes.

The package is written with genanki (a legacy `collection.anki2`, which every
Anki and AnkiDroid imports); the schedule is then written into that SQLite
file directly: the cards' type, queue, due, interval, reps and lapses, the
FSRS memory state in the card's `data` (Anki's `s`, `d`, `dr`, `lrt`), and a
`revlog` row per rated review. Anki imports them when "Import any learning
progress" is on (`with_scheduling`). The anki package is not needed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import sqlite3
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from quizcli.model import Library, Question, QuestionType

LANG_CHOICES = ("en", "zh", "both")
MODEL_NAME = "quizcli question"
FIELDS = ("Id", "ShowEn", "ShowZh", "QuestionEn", "QuestionZh", "ChoicesEn", "ChoicesZh", "AnswerEn", "AnswerZh",
          "ExplanationEn", "ExplanationZh", "Refs", "Bank")
# Anki's day starts at 4 am local time (its default "next day starts at").
ROLLOVER_HOUR = 4
# FSRS's default learning steps in py-fsrs (1 and 10 minutes) and relearning step (10 minutes).
_LEARNING_STEPS, _RELEARNING_STEPS = 2, 1
_CSS = (".card { font-family: sans-serif; font-size: 18px; text-align: left; }"
        " .choices { margin-top: 0.8em; } .explanation { margin-top: 1em; color: #444; }"
        " .refs { margin-top: 1em; font-size: 13px; color: #777; } .zh { margin-top: 0.6em; }")


def stable_id(name: str) -> int:
    """Anki model and deck ids: stable across exports, so re-imports update."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % (1 << 30) + (1 << 30)


def note_guid(question_id: str) -> str:
    """The note's GUID, from the question id alone (language and content do not change it)."""
    import genanki

    return genanki.guid_for("quizcli", question_id)


def _html(text: str) -> str:
    """Bank text in a field: control characters shown as escapes, then HTML-escaped."""
    from quizcli.escaping import safe

    return html.escape(safe(text)).replace("\n", "<br>")


def _side(lang: str, front: bool) -> str:
    suffix = "En" if lang == "en" else "Zh"
    body = (f'{{{{Question{suffix}}}}}{{{{#Choices{suffix}}}}}<div class="choices">{{{{Choices{suffix}}}}}</div>'
            f'{{{{/Choices{suffix}}}}}')
    if not front:
        body = (f'<b>{{{{Answer{suffix}}}}}</b><div class="explanation">{{{{Explanation{suffix}}}}}</div>')
    return f'{{{{#Show{suffix}}}}}<div class="{lang}" lang="{lang}">{body}</div>{{{{/Show{suffix}}}}}'


def anki_model() -> Any:
    import genanki

    class Model(genanki.Model):
        # genanki cannot work out the fields a front with {{#ShowEn}} sections
        # needs; Anki (2.1.28 and later) works it out itself on import.
        _req = [[0, "any", [FIELDS.index("QuestionEn"), FIELDS.index("QuestionZh")]]]

    return Model(
        stable_id("quizcli-model-v2-bilingual"),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{
            "name": "Card 1",
            "qfmt": _side("en", True) + _side("zh", True),
            "afmt": ('{{FrontSide}}<hr id="answer">' + _side("en", False) + _side("zh", False)
                     + '{{#Refs}}<div class="refs">{{Refs}}</div>{{/Refs}}'),
        }],
        css=_CSS,
        sort_field_index=0,
    )


def _answer(q: Question, lang: str) -> str:
    from quizcli.authoring.export import answer_text

    return answer_text(q, lang)


def _prompt(q: Question, lang: str) -> str:
    from quizcli.authoring.export import _WORDS

    prompt = q.prompt.get(lang)
    if q.type is QuestionType.TRUE_FALSE:
        words = _WORDS.get(lang, _WORDS["en"])
        prompt += f" ({words['true']} / {words['false']})"
    return prompt


def _choices(q: Question, lang: str) -> str:
    from quizcli.authoring.export import shown_choices

    return "<br>".join(_html(f"{letter}. {c.text.get(lang)}") for letter, c in shown_choices(q))


def note_fields(q: Question, show: str) -> list[str]:
    """The note's fields (FIELDS order); `show` is en, zh or both."""
    out = {"Id": _html(q.id), "ShowEn": "1" if show in ("en", "both") else "",
           "ShowZh": "1" if show in ("zh", "both") else "", "Refs": _html("; ".join(q.refs)),
           "Bank": _html(q.bank_id)}
    for lang, suffix in (("en", "En"), ("zh", "Zh")):
        out["Question" + suffix] = _html(_prompt(q, lang))
        out["Choices" + suffix] = _choices(q, lang)
        out["Answer" + suffix] = _html(_answer(q, lang))
        if q.type is QuestionType.CODE:     # code exercises (#18): the reference solution, as code
            code = _html(_answer(q, lang)).replace("<br>", "\n")   # escaped; in <pre>, newlines are line breaks
            out["Answer" + suffix] = f'<pre style="text-align: left">{code}</pre>'
        out["Explanation" + suffix] = _html(q.explanation.get(lang))
    return [out[name] for name in FIELDS]


def deck_name(bank: Any) -> str:
    """The same in every language (switching --lang must not move cards):
    both titles where they differ. `::` would make a sub-deck."""
    en, zh = bank.title.en, bank.title.zh
    title = en if not zh or zh == en else zh if not en else f"{en} · {zh}"
    from quizcli.escaping import safe

    return "quizcli::" + " ".join(safe(title).replace("::", ":").split())


class Progress(NamedTuple):
    """What `--with-progress` carries: `store.export()` data, as it is."""

    cards: dict[str, dict]          # question id -> card_to_dict
    answers: list[dict]             # every answer, in time order


class ExportResult(NamedTuple):
    notes: int
    scheduled: int = 0              # cards given a schedule
    reviews: int = 0                # revlog rows
    not_carried: int = 0            # answers that did not move the schedule (quiz, cram)


def export_anki(library: Library, questions: list[Question], show: str, path: Path, now: datetime,
                progress: Progress | None = None, desired_retention: float = 0.9) -> ExportResult:
    """Write the deck to `path` (through a temporary file: never half a deck)."""
    try:
        import genanki
    except ImportError:
        from quizcli.errors import ExitCode, QuizcliError

        raise QuizcliError("the Anki export needs the genanki package", hint="pip install genanki",
                           exit_code=ExitCode.MISSING_EXTRA) from None
    from quizcli.authoring.export import _by_bank

    model = anki_model()
    decks = []
    for bank, qs in _by_bank(library, questions):
        deck = genanki.Deck(stable_id(f"quizcli-deck-v2-{bank.id}"), deck_name(bank))
        for q in qs:
            deck.add_note(genanki.Note(model=model, fields=note_fields(q, show), tags=[*q.tags, q.bank_id],
                                       guid=note_guid(q.id)))
        decks.append(deck)
    fd, dbname = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        db = sqlite3.connect(dbname)
        try:
            stamp = now.timestamp()
            genanki.Package(decks).write_to_db(db.cursor(), stamp, _ids(int(stamp * 1000)))
            # The collection's creation time is now: Anki's day number 0 is today, and
            # the importer shifts review due days by the two collections' difference.
            # schedVer 2: without it Anki reads the review log as the old v1
            # scheduler's, where a learning card's 3 meant easy.
            conf = json.loads(db.execute("SELECT conf FROM col").fetchone()[0])
            conf["schedVer"] = 2
            db.execute("UPDATE col SET crt = ?, conf = ?", (int(stamp), json.dumps(conf)))
            result = ExportResult(len(questions))
            if progress is not None:
                result = _write_progress(db, questions, progress, now, desired_retention)
            db.commit()
        finally:
            db.close()
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(dbname, "collection.anki2")
            out.writestr("media", "{}")
        os.replace(tmp, path)
    finally:
        os.unlink(dbname)
        tmp.unlink(missing_ok=True)
    return result


def _ids(start: int) -> Iterable[int]:
    n = start
    while True:
        yield n
        n += 1


# --- the schedule ------------------------------------------------------------------------


def _anki_day(at: datetime) -> int:
    """The local calendar day Anki counts `at` in (its day starts at ROLLOVER_HOUR)."""
    local = at.astimezone() - timedelta(hours=ROLLOVER_HOUR)
    return local.date().toordinal()


def _parse(text: str) -> datetime:
    from quizcli.clock import parse_time

    return parse_time(text)


def _ivl(delta: timedelta) -> int:
    """Anki's revlog interval: days when a day or more, else negative seconds."""
    secs = delta.total_seconds()
    return max(1, round(secs / 86400)) if secs >= 86400 else -max(1, int(secs))


def _write_progress(db: sqlite3.Connection, questions: list[Question], progress: Progress, now: datetime,
                    retention: float) -> ExportResult:
    from quizcli.scheduler import LEARNING, RELEARNING, REVIEW

    ids = {q.id for q in questions}
    card_ids = {}
    for qid in ids:
        row = db.execute("SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE n.guid = ?",
                         (note_guid(qid),)).fetchone()
        if row:
            card_ids[qid] = row[0]
    today = _anki_day(now)
    scheduled = 0
    for qid, c in progress.cards.items():
        cid = card_ids.get(qid)
        if cid is None:
            continue
        due, last = _parse(c["due"]), _parse(c["last_review"]) if c["last_review"] else None
        state, step = c["state"], c["step"]
        if state == REVIEW:
            ctype, queue = 2, 2
            due_value = _anki_day(due) - today
            ivl = max(1, _anki_day(due) - _anki_day(last)) if last else 1
            left = 0
        else:
            ctype, queue = (1, 1) if state == LEARNING else (3, 1)
            due_value = int(due.timestamp())
            remaining = max(1, (_LEARNING_STEPS if state == LEARNING else _RELEARNING_STEPS) - (step or 0))
            left = remaining * 1000 + remaining
            ivl = max(1, _anki_day(due) - _anki_day(last)) if state == RELEARNING and last else 0
        data: dict[str, Any] = {}
        if c["stability"] is not None:
            data = {"s": round(c["stability"], 4), "d": round(c["difficulty"], 4), "dr": retention}
            if last is not None:
                data["lrt"] = int(last.timestamp())
        db.execute("UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = 2500, reps = ?, lapses = ?,"
                   " left = ?, data = ? WHERE id = ?",
                   (ctype, queue, due_value, ivl, c["reps"], c["lapses"], left,
                    json.dumps(data, separators=(",", ":")) if data else "", cid))
        scheduled += 1
    reviews = not_carried = 0
    used: set[int] = set()
    last_ivl: dict[str, int] = {}
    kinds = {None: 0, LEARNING: 0, REVIEW: 1, RELEARNING: 2}
    for a in progress.answers:
        cid = card_ids.get(a["question_id"])
        if cid is None:
            continue
        if a["rating"] is None:
            not_carried += 1
            continue
        at = _parse(a["at"])
        rid = int(at.timestamp() * 1000)
        while rid in used:          # two reviews in one millisecond: Anki's ids are unique
            rid += 1
        used.add(rid)
        ivl = _ivl(_parse(a["due_after"]) - at) if a["due_after"] else 0
        ms = min(60_000, int((a["seconds"] or 0) * 1000))     # Anki caps the time at 60 s
        db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                   " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                   (rid, cid, a["rating"], ivl, last_ivl.get(a["question_id"], 0),
                    2500 if a["state_before"] == REVIEW else 0, ms, kinds.get(a["state_before"], 0)))
        last_ivl[a["question_id"]] = ivl
        reviews += 1
    return ExportResult(len(questions), scheduled, reviews, not_carried)
