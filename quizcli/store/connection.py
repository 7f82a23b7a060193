"""The open progress database (`Store`): every answer and the schedule, in
one SQLite file, and the queries the sessions and stats read. The file is
`$QUIZCLI_DB`, else `progress.sqlite3` in the user folder (`paths.user_dir`,
which `$QUIZCLI_HOME` moves).

Safety, in order of importance:
- A file that is not ours (another application's SQLite database, or not a
  database at all) or that is damaged is refused with a clear error and is
  never written to: it is checked through a read-only connection before
  anything opens it for writing.
- Every answer is its own transaction, committed the moment it is given, with
  synchronous=FULL: a kill -9 loses at most the answer being typed.
- WAL and a busy timeout let two sessions write at once.

The schema and its migrations are in schema.py, the checks of a file before
it is opened in files.py, card rows and JSON in cards.py, the backup format
in backup.py, the stats queries in stats_queries.py, holds in holds.py.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from quizcli.clock import fmt_time, parse_time
from quizcli.errors import NotFoundError, QuizcliError
from quizcli.i18n import _
from quizcli.scheduler import CardState
from quizcli.store.cards import (_CARD_COLUMNS, _HELD, _cards, _insert, _put_card, card_from_json,
                                 card_from_row)
from quizcli.store.files import BUSY_TIMEOUT_MS, _check_file, _damaged, _fault, _keeping, db_path
from quizcli.store.holds import Holds
from quizcli.store.stats_queries import StatsQueries
from quizcli.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from quizcli.store.backup import ImportResult
    from quizcli.store.cards import AnswerLike


class Store(Holds, StatsQueries):
    """An open progress database. Use `open_store()`.

    `readonly` is for commands that only read (stats, export): when there is
    no file yet none is created (an empty in-memory store stands in), and
    writes are refused. An older schema is still migrated.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._json: bool | None = None
        _check_file(path)
        if readonly and not path.exists():
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self._migrate()
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _fault(path, err) or err from None
        try:
            self.db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise QuizcliError(_("the progress database {path} is busy ({error})").format(path=path, error=err),
                                   hint=_("another quizcli is setting it up; try again")) from None
            raise _fault(path, err) or _damaged(path, err) from None
        except sqlite3.DatabaseError as err:
            raise _fault(path, err) or _damaged(path, err) from None
        except OSError as err:   # the migration's backup copy, the folder
            raise _fault(path, err) or err from None

    # -- lifecycle

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > 0 and self.path.exists():
            # Keep the old file as it was, in case a migration goes wrong.
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
            if not backup.exists():
                dst = sqlite3.connect(str(backup))
                try:
                    self.db.backup(dst)
                finally:
                    dst.close()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for index in range(version, SCHEMA_VERSION):
                MIGRATIONS[index](self.db)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        # Put the header (application_id) into the main file now, so other
        # tools see whose file it is.
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _write(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run `fn` in one write transaction (taken at once: no upgrade deadlock)."""
        if self.readonly:
            raise RuntimeError("the store was opened read-only")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                result = fn(self.db)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise QuizcliError(_("the progress database {path} is busy ({error})").format(path=self.path, error=err),
                                   hint=_("another quizcli is writing to it; try again")) from None
            raise _fault(self.path, err) or err from None
        except sqlite3.DatabaseError as err:
            raise self._error(err) from None
        return result

    def _error(self, err: sqlite3.DatabaseError) -> BaseException:
        """What a database error means to the user: the disk's fault (full,
        read-only, I/O) with the path, a damaged file, or (IntegrityError and
        the like, a bug) the error itself."""
        fault = _fault(self.path, err)
        if fault is not None:
            return fault
        if type(err) is not sqlite3.DatabaseError:
            return err
        return _damaged(self.path, err)

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as err:
            raise self._error(err) from None

    # -- writing answers

    def record_answer(self, event: AnswerLike) -> str:
        """Log an answer that does not touch the schedule (quiz, cram). Returns its uid."""
        uid = uuid.uuid4().hex
        with _keeping(event):
            self._write(lambda db: _insert(db, uid, event, None, None, None, None))
        return uid

    def record_review(self, event: AnswerLike, rating: int, before: CardState | None, after: CardState) -> str:
        """Log a rated answer and move its card to `after`, in one transaction."""
        uid = uuid.uuid4().hex

        def write(db: sqlite3.Connection) -> None:
            _insert(db, uid, event, rating, before, after.due, before.state if before else None)
            _put_card(db, event.question_id, after, event.at)

        with _keeping(event):
            self._write(write)
        return uid

    def rerate(self, uid: str, rating: int, after: CardState) -> None:
        """Change the rating of a logged review (the user raised Good to Easy)."""

        def write(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT question_id, at FROM answers WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                raise NotFoundError(f"no review {uid}")
            db.execute("UPDATE answers SET rating = ?, due_after = ? WHERE uid = ?",
                       (rating, fmt_time(after.due), uid))
            _put_card(db, row[0], after, parse_time(row[1]))

        self._write(write)

    def undo(self, uid: str) -> None:
        """Forget a logged answer; if it was rated, put its card back as it was."""

        def write(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT question_id, rating, card_before FROM answers WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                raise NotFoundError(f"no answer {uid} to undo")
            qid, rating, before = row
            db.execute("DELETE FROM answers WHERE uid = ?", (uid,))
            if rating is None:
                return
            if before is None:
                db.execute("DELETE FROM cards WHERE question_id = ?", (qid,))
            else:
                first = db.execute("SELECT first_review FROM cards WHERE question_id = ?", (qid,)).fetchone()
                _put_card(db, qid, card_from_json(before), parse_time(first[0]) if first else None)

        self._write(write)

    def reset(self, question_id: str) -> tuple[int, bool]:
        """Start a question over: forget its answers and its schedule.

        Returns the number of answers removed and whether it had a schedule.
        """

        def write(db: sqlite3.Connection) -> tuple[int, bool]:
            n = db.execute("DELETE FROM answers WHERE question_id = ?", (question_id,)).rowcount
            c = db.execute("DELETE FROM cards WHERE question_id = ?", (question_id,)).rowcount
            return n, bool(c)

        return self._write(write)

    def set_setting(self, key: str, value: str | None) -> None:
        def write(db: sqlite3.Connection) -> None:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

        self._write(write)

    # -- reading

    def setting(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def cards(self) -> dict[str, CardState]:
        """Every scheduled card, by question id."""
        return _cards(self._read(f"SELECT {_CARD_COLUMNS} FROM cards"))

    def card(self, question_id: str) -> CardState | None:
        rows = self._read(f"SELECT {_CARD_COLUMNS} FROM cards WHERE question_id = ?", (question_id,))
        return card_from_row(rows[0]) if rows else None

    def cards_for(self, ids: Iterable[str]) -> dict[str, CardState]:
        wanted = set(ids)
        return {k: v for k, v in self.cards().items() if k in wanted}

    def due_card_rows(self, now: datetime) -> list[tuple]:
        """The cards due at `now` as stored rows (`card_from_row` makes one
        a CardState), most overdue first, then by question id. Nothing is
        parsed: a review with thousands due parses only the cards it shows."""
        at = fmt_time(now)
        return self._read(f"SELECT {_CARD_COLUMNS} FROM cards WHERE due <= ? AND NOT EXISTS ({_HELD})"
                          " ORDER BY due, question_id", (at, at))

    def card_ids(self) -> list[str]:
        """Every question that has a schedule (a list: set operations take
        it as it is, and a set of 20,000 would be built for nothing)."""
        # One row of text split in C: about twice as fast as a row per card.
        # Question ids never hold a line break (bank format v1).
        text = self._read("SELECT group_concat(question_id, char(10)) FROM cards")[0][0]
        return text.split("\n") if text else []

    def due_summary(self, ids: Iterable[str], now: datetime) -> tuple[int, datetime | None]:
        """For these questions' cards: how many are due at `now`, and the
        soonest due time after it. Both walk the index on due (the stored
        text sorts as time), reading question ids only: the due ones, then
        the later ones in order until the first of these questions."""
        wanted = ids if isinstance(ids, (set, frozenset)) else set(ids)
        at = fmt_time(now)
        text = self._read("SELECT group_concat(question_id, char(10)) FROM cards WHERE due <= ?"
                          f" AND NOT EXISTS ({_HELD})", (at, at))[0][0]
        # Question ids never hold a line break (bank format v1).
        due_now = sum(1 for qid in text.split("\n") if qid in wanted) if text else 0
        try:
            cur = self.db.execute("SELECT question_id, due FROM cards WHERE due > ? AND NOT EXISTS"
                                  " (SELECT 1 FROM holds h WHERE h.question_id = cards.question_id"
                                  " AND h.suspended != 0) ORDER BY due", (at,))
            try:
                for qid, due in cur:
                    if qid in wanted:
                        return due_now, parse_time(due)
            finally:
                cur.close()     # ends the read now, not when the cursor is collected
        except sqlite3.DatabaseError as err:
            raise self._error(err) from None
        return due_now, None

    # -- aggregates for stats (each one pass over an index)

    def introduced_since(self, since: datetime) -> int:
        """Cards first reviewed at or after `since` (for the daily new-card limit)."""
        return self._read("SELECT count(*) FROM cards WHERE first_review >= ?", (fmt_time(since),))[0][0]

    def has_history(self, question_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM answers WHERE question_id = ? LIMIT 1", (question_id,))
                    or self._read("SELECT 1 FROM cards WHERE question_id = ?", (question_id,)))

    def last_given(self, mode: str) -> dict[str, str]:
        """Per question, what its latest answer of this mode recorded (`practice`: the attempt, #18)."""
        rows = self._read("SELECT question_id, given FROM answers WHERE mode = ? ORDER BY at, id", (mode,))
        return {qid: given for qid, given in rows}

    def count_answers(self) -> int:
        return self._read("SELECT count(*) FROM answers")[0][0]

    def query(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        """Read-only SQL for stats (quizcli.stats builds the queries)."""
        return self._read(sql, args)

    # -- export / import
    def export(self) -> dict:
        """Every answer and card as JSON-ready data (the backup format: store/backup.py)."""
        from quizcli.store import backup

        return backup.export(self)

    def import_(self, data: Any, source: str = "the file") -> ImportResult:
        """Merge an export (store/backup.py): answers already present (same uid) are skipped."""
        from quizcli.store import backup

        return backup.import_(self, data, source)


def open_store(path: Path | None = None, *, readonly: bool = False) -> Store:
    """Open (creating or migrating) the progress database."""
    return Store(path or db_path(), readonly=readonly)


def recorder(mode: str = "quiz") -> Callable[[AnswerLike], str]:
    """An `on_answer` callback that logs each answer the moment it is given
    and returns its uid (for `overrider`)."""
    store = open_store()

    def record(event: AnswerLike) -> str:
        return store.record_answer(event)

    record.store = store  # type: ignore[attr-defined]
    return record


def overrider(record: Callable[[AnswerLike], str]) -> Callable[[str], None]:
    """An `on_override` callback over the store a `recorder` writes to."""
    return record.store.override  # type: ignore[attr-defined]


def flagger(record: Callable[[AnswerLike], str]) -> Callable[[str, bool, datetime], None]:
    """An `on_flag` callback over the store a `recorder` writes to."""
    store = record.store  # type: ignore[attr-defined]
    return lambda question_id, on, at: store.hold(question_id, flagged=on, at=at)


def skipper(record: Callable[[AnswerLike], str]) -> Callable[[str, datetime], None]:
    """An `on_skip` callback over the store a `recorder` writes to."""
    return record.store.record_skip  # type: ignore[attr-defined]
