"""What the store keeps beside the answers and the schedule: answers the
user overrode ("I was right"), cards held out of review (suspended by hand
or as a leech, buried until a time, flagged), and the last skip of each
question (for `quiz --missed`). A part of `Store` (its base class), kept
apart so that each module stays small."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Any, Callable

from quizcli.clock import fmt_time, parse_time
from quizcli.errors import NotFoundError
from quizcli.scheduler import CardState
from quizcli.store.cards import _put_card


class Holds:
    """Store methods; `_write` and `_read` are the Store's."""

    _write: Callable[[Callable[[sqlite3.Connection], Any]], Any]
    _read: Callable[..., list[tuple]]
    card_ids: Callable[[], list[str]]

    def override(self, uid: str, rating: int | None = None, after: CardState | None = None) -> None:
        """Mark a logged answer right, as the user said ("I was right"), and
        recorded as overridden; a rated one gets `rating` and its card `after`."""

        def write(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT question_id, at FROM answers WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                raise NotFoundError(f"no answer {uid}")
            if rating is None or after is None:
                db.execute("UPDATE answers SET correct = 1, overridden = 1 WHERE uid = ?", (uid,))
                return
            db.execute("UPDATE answers SET correct = 1, overridden = 1, rating = ?, due_after = ? WHERE uid = ?",
                       (rating, fmt_time(after.due), uid))
            first = db.execute("SELECT first_review FROM cards WHERE question_id = ?", (row[0],)).fetchone()
            _put_card(db, row[0], after, parse_time(first[0]) if first else parse_time(row[1]))

        self._write(write)

    def hold(self, question_id: str, *, suspended: int | None = None, buried_until: datetime | None = None,
             unbury: bool = False, flagged: bool | None = None, at: datetime | None = None) -> None:
        """Suspend (1 by hand, 2 a leech; 0 lifts it), bury until a time, or flag a card, at `at` (now).

        The row stays when every hold is lifted (all clear, with the time of
        the change), so that `progress import` knows the lift is newer than
        an older backup's hold."""
        when = fmt_time(at or datetime.now(timezone.utc))

        def write(db: sqlite3.Connection) -> None:
            db.execute("INSERT OR IGNORE INTO holds (question_id) VALUES (?)", (question_id,))
            if suspended is not None:
                db.execute("UPDATE holds SET suspended = ?, suspended_at = ? WHERE question_id = ?",
                           (suspended, when if suspended else None, question_id))
            if buried_until is not None or unbury:
                db.execute("UPDATE holds SET buried_until = ? WHERE question_id = ?",
                           (fmt_time(buried_until) if buried_until is not None else None, question_id))
            if flagged is not None:
                db.execute("UPDATE holds SET flagged = ? WHERE question_id = ?", (int(flagged), question_id))
            db.execute("UPDATE holds SET changed_at = ? WHERE question_id = ?", (when, question_id))

        self._write(write)

    def holds(self) -> dict[str, tuple[int, datetime | None, datetime | None, bool]]:
        """Every held card: (suspended, since when, buried until, flagged), by question id."""
        return {qid: (s, parse_time(at) if at else None, parse_time(b) if b else None, bool(f))
                for qid, s, at, b, f in self._read(
                    "SELECT question_id, suspended, suspended_at, buried_until, flagged FROM holds"
                    " WHERE suspended != 0 OR buried_until IS NOT NULL OR flagged != 0")}

    def record_skip(self, question_id: str, at: datetime) -> None:
        """Remember that a question was skipped (its last skip only)."""
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO skips (question_id, at) VALUES (?, ?)",
                                          (question_id, fmt_time(at))))

    def missed_ids(self) -> set[str]:
        """Questions answered wrong or skipped the last time they were asked."""
        last = {qid: (at, correct) for qid, correct, at in self._read(
            "SELECT question_id, correct, max(at) FROM answers GROUP BY question_id")}
        out = {qid for qid, (_, correct) in last.items() if not correct}
        for qid, at in self._read("SELECT question_id, at FROM skips"):
            answered = last.get(qid)
            if answered is None or at >= answered[0]:
                out.add(qid)
        return out

    def seen_ids(self) -> set[str]:
        """Questions ever answered (in a quiz or a review), skipped or scheduled."""
        return ({r[0] for r in self._read("SELECT DISTINCT question_id FROM answers UNION SELECT question_id FROM skips")}
                | set(self.card_ids()))

    def held_ids(self, now: datetime) -> set[str]:
        """Cards not to ask at `now`: suspended, or buried until later."""
        return {r[0] for r in self._read(
            "SELECT question_id FROM holds WHERE suspended != 0 OR buried_until > ?", (fmt_time(now),))}

    def flagged_ids(self) -> set[str]:
        """Cards flagged (`*` in a quiz or a review), whether held out of review or not."""
        return {r[0] for r in self._read("SELECT question_id FROM holds WHERE flagged != 0")}

    def suspended_ids(self) -> set[str]:
        """Cards suspended, by hand or as leeches (not asked in review until unsuspended)."""
        return {r[0] for r in self._read("SELECT question_id FROM holds WHERE suspended != 0")}
