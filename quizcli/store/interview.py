"""Interview answers (#17) in the progress database: written with their log entry and card.

The table and a trigger that forgets an interview answer with its log entry
(undo, `progress reset`) are made by the `_interview` migration
(quizcli/store/schema.py). Functions of an open Store, beside its class
(store/connection.py) rather than in it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from quizcli.clock import fmt_time
from quizcli.scheduler import CardState
from quizcli.store.cards import _insert, _put_card

if TYPE_CHECKING:
    from quizcli.store.cards import AnswerLike
    from quizcli.store.connection import Store


class InterviewLike(Protocol):
    """What an interview answer adds (quizcli.sessions.interview.Confirmed)."""

    interview: str
    lang: str
    text: str
    point_ids: tuple[str, ...]
    auto: frozenset[str]
    covered: frozenset[str]
    follow_up_of: str | None


COLUMNS = "at, interview, question_id, lang, text, points, covered, total, seconds, follow_up_of"


def record(store: Store, event: AnswerLike, answer: InterviewLike, rating: int, before: CardState | None,
           after: CardState) -> str:
    """Store a confirmed interview answer, its log entry and its card, in one transaction. Returns its uid."""
    uid = uuid.uuid4().hex
    store._write(lambda db: write(db, uid, event, answer, rating, before, after))
    return uid


def answers(store: Store, since: datetime | None = None) -> list[tuple]:
    """The interview answers, oldest first, as COLUMNS."""
    return store._read(*select(since))


def write(db: sqlite3.Connection, uid: str, event: AnswerLike, answer: InterviewLike, rating: int,
          before: CardState | None, after: CardState) -> None:
    """The log entry, the card and the typed text with its points; inside the caller's transaction."""
    points = json.dumps([{"id": pid, "auto": pid in answer.auto, "covered": pid in answer.covered}
                         for pid in answer.point_ids], ensure_ascii=False)
    _insert(db, uid, event, rating, before, after.due, before.state if before else None)
    _put_card(db, event.question_id, after, event.at)
    db.execute(
        "INSERT INTO interview_answers (answer_uid, interview, question_id, at, lang, text, points, covered,"
        " total, seconds, follow_up_of) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (uid, answer.interview, event.question_id, fmt_time(event.at), answer.lang, answer.text, points,
         len(answer.covered), len(answer.point_ids), event.seconds, answer.follow_up_of))


def select(since: datetime | None) -> tuple[str, tuple]:
    sql = f"SELECT {COLUMNS} FROM interview_answers"
    if since is not None:
        return sql + " WHERE at >= ? ORDER BY at, id", (fmt_time(since),)
    return sql + " ORDER BY at, id", ()
