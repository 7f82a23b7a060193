"""Interview answers (#17) in the progress database: written with their log entry and card.

The table is made by the `_interview` migration (quizcli/store/schema.py).
Store.record_interview and Store.interview_answers call these.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from quizcli.clock import fmt_time
from quizcli.scheduler import CardState
from quizcli.store.cards import _insert, _put_card

if TYPE_CHECKING:
    from quizcli.store.cards import AnswerLike


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
