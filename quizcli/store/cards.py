"""Cards to and from their stored forms: a row of the cards table, and JSON
(undo data and the backup format)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Sequence

from quizcli.clock import fmt_time, parse_time
from quizcli.scheduler import CardState

if TYPE_CHECKING:     # annotations only: a Protocol class costs a few ms to make at import
    from typing import Protocol

    class AnswerLike(Protocol):
        """What the quiz and review sessions report (sessions.quiz.AnswerEvent)."""

        question_id: str
        at: datetime
        given: str
        correct: bool
        grade: int | None
        seconds: float
        mode: str


_CARD_COLUMNS = "question_id, state, step, stability, difficulty, due, last_review, reps, lapses"
# A card held out of review at the time bound to the second parameter (see Store.hold).
_HELD = ("SELECT 1 FROM holds h WHERE h.question_id = cards.question_id"
         " AND (h.suspended != 0 OR h.buried_until > ?)")


def _json_strings(items: Sequence[str]) -> str:
    """A JSON array of these strings, for json_each(). Question ids are plain
    ASCII words (bank format v1), which need no escaping: joined in one C
    call, ten times faster than json.dumps; anything else goes through it."""
    body = '","'.join(items)
    if body.isascii() and body.isprintable() and '"' not in body and "\\" not in body:
        return f'["{body}"]' if items else "[]"
    import json

    return json.dumps(list(items))


def card_from_row(r: tuple) -> CardState:
    """A card from its stored row (the columns of _CARD_COLUMNS, question id first)."""
    return CardState(r[1], r[2], r[3], r[4], parse_time(r[5]), parse_time(r[6]) if r[6] else None, r[7], r[8])


def _cards(rows: list[tuple]) -> dict[str, CardState]:
    return {r[0]: card_from_row(r) for r in rows}



def card_to_dict(card: CardState) -> dict:
    return {"state": card.state, "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
            "due": fmt_time(card.due), "last_review": fmt_time(card.last_review) if card.last_review else None,
            "reps": card.reps, "lapses": card.lapses}


def card_to_json(card: CardState) -> str:
    import json     # here: the first card of a review is shown before any is written

    return json.dumps(card_to_dict(card), separators=(",", ":"))


def card_from_dict(d: dict) -> CardState:
    return CardState(int(d["state"]), d["step"], d["stability"], d["difficulty"], parse_time(d["due"]),
                     parse_time(d["last_review"]) if d["last_review"] else None, int(d["reps"]), int(d["lapses"]))


def card_from_json(text: str) -> CardState:
    import json

    return card_from_dict(json.loads(text))



def _insert(db: sqlite3.Connection, uid: str, e: AnswerLike, rating: int | None, before: CardState | None,
            due_after: datetime | None, state_before: int | None) -> None:
    db.execute(
        "INSERT INTO answers (uid, question_id, at, given, correct, grade, seconds, mode, rating, state_before,"
        " card_before, due_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (uid, e.question_id, fmt_time(e.at), e.given, int(bool(e.correct)), e.grade, e.seconds, e.mode, rating,
         state_before, card_to_json(before) if before is not None else None,
         fmt_time(due_after) if due_after is not None else None))


def _put_card(db: sqlite3.Connection, qid: str, card: CardState, first: datetime | None) -> None:
    db.execute(
        "INSERT INTO cards (question_id, state, step, stability, difficulty, due, last_review, reps, lapses,"
        " first_review) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (question_id) DO UPDATE SET state = excluded.state,"
        " step = excluded.step, stability = excluded.stability, difficulty = excluded.difficulty,"
        " due = excluded.due, last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses",
        (qid, card.state, card.step, card.stability, card.difficulty, fmt_time(card.due),
         fmt_time(card.last_review) if card.last_review else None, card.reps, card.lapses,
         fmt_time(first or card.last_review or card.due)))

