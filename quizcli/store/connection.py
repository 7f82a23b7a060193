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
in backup.py.
"""

from __future__ import annotations

import math
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from quizcli.clock import fmt_time, parse_time
from quizcli.errors import NotFoundError, QuizcliError
from quizcli.scheduler import CardState
from quizcli.store.cards import (_CARD_COLUMNS, _cards, _insert, _json_strings, _put_card, card_from_json,
                                 card_from_row)
from quizcli.store.files import BUSY_TIMEOUT_MS, _check_file, _damaged, _fault, _keeping, db_path
from quizcli.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from quizcli.store.backup import ImportResult
    from quizcli.store.cards import AnswerLike


class TopicTotals(NamedTuple):
    """A topic's sums, for stats (Store.topic_totals)."""

    topic: str | None        # None: questions in no topic given
    seen: int                # questions answered at least once
    answers: int
    correct: int
    scheduled: int           # cards with a memory state
    recall: float            # the sum of their predicted recall
    reviews: int             # rated reviews of cards in the review state (true retention)
    recalled: int            # of those, right



class Store:
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
                raise QuizcliError(f"the progress database {path} is busy ({err})",
                                   hint="another quizcli is setting it up; try again") from None
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
                raise QuizcliError(f"the progress database {self.path} is busy ({err})",
                                   hint="another quizcli is writing to it; try again") from None
            raise _fault(self.path, err) or err from None
        except sqlite3.DatabaseError as err:
            fault = _fault(self.path, err)
            if fault is not None:
                raise fault from None
            if type(err) is not sqlite3.DatabaseError:    # IntegrityError and the like: a bug
                raise
            raise _damaged(self.path, err) from None
        return result

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as err:
            fault = _fault(self.path, err)
            if fault is not None:
                raise fault from None
            if type(err) is not sqlite3.DatabaseError:
                raise
            raise _damaged(self.path, err) from None

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
        return self._read(f"SELECT {_CARD_COLUMNS} FROM cards WHERE due <= ? ORDER BY due, question_id",
                          (fmt_time(now),))

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
        text = self._read("SELECT group_concat(question_id, char(10)) FROM cards WHERE due <= ?", (at,))[0][0]
        # Question ids never hold a line break (bank format v1).
        due_now = sum(1 for qid in text.split("\n") if qid in wanted) if text else 0
        try:
            cur = self.db.execute("SELECT question_id, due FROM cards WHERE due > ? ORDER BY due", (at,))
            try:
                for qid, due in cur:
                    if qid in wanted:
                        return due_now, parse_time(due)
            finally:
                cur.close()     # ends the read now, not when the cursor is collected
        except sqlite3.DatabaseError as err:
            fault = _fault(self.path, err)
            if fault is not None:
                raise fault from None
            if type(err) is not sqlite3.DatabaseError:
                raise
            raise _damaged(self.path, err) from None
        return due_now, None

    # -- aggregates for stats (each one pass over an index)

    def answer_totals(self) -> list[tuple[str, int, int, int, int]]:
        """Per question: answers, right ones, rated reviews of a card in the
        review state, and of them recalled (kept by triggers; see schema._v3)."""
        return self._read("SELECT question_id, answers, correct, reviews, recalled FROM question_totals")

    def failing(self, failures: int) -> list[tuple[str, int, int]]:
        """Questions answered wrong `failures` times or more: id, answers, right ones."""
        return self._read("SELECT question_id, answers, correct FROM question_totals WHERE answers - correct >= ?",
                          (failures,))

    def activity(self, since: datetime, by_hour: bool = True) -> list[tuple[str, int]]:
        """Answers per UTC hour ("2026-11-26T09"), or per quarter hour
        ("2026-11-26T09:45") for time zones whose offset is not whole hours,
        since `since`; callers fold them into local days."""
        start = fmt_time(since)[:14] + "00"
        if by_hour:
            return self._read("SELECT substr(bucket, 1, 13), sum(answers) FROM activity WHERE bucket >= ?"
                              " GROUP BY 1", (start,))
        return self._read("SELECT bucket, answers FROM activity WHERE bucket >= ?", (start,))

    def activity_in(self, ranges: Sequence[tuple[str, datetime, datetime]]) -> list[tuple[str, int]]:
        """Answers within each [start, end) range of time, summed per label.

        Ranges begin and end on a quarter hour (the buckets of schema._v3); a label
        (a local day) may have several, e.g. on a daylight-saving change.
        One indexed range sum per range: a year of quarter-hour buckets is
        read once, with no date arithmetic per bucket.
        """
        # Bucket names ("2026-11-26T09:45"), as fmt_time writes them: JSON as they are.
        spans = [(fmt_time(start)[:16], fmt_time(end)[:16]) for _, start, end in ranges]
        if self._has_json():
            counts = self._read(
                "SELECT (SELECT total(answers) FROM activity WHERE bucket >= json_extract(r.value, '$[0]')"
                " AND bucket < json_extract(r.value, '$[1]')) FROM json_each(?) r ORDER BY r.key",
                ("[" + ",".join(f'["{lo}","{hi}"]' for lo, hi in spans) + "]",))
        else:
            counts = [self._read("SELECT total(answers) FROM activity WHERE bucket >= ? AND bucket < ?", span)[0]
                      for span in spans]
        rows = [(label, n) for (label, _, _), (n,) in zip(ranges, counts)]
        per: dict[str, int] = {}
        for label, n in rows:
            if n:
                per[label] = per.get(label, 0) + int(n)
        return list(per.items())

    def topic_totals(self, topics: Mapping[str, Sequence[str]], now: datetime,
                     curve: tuple[float, float]) -> list[TopicTotals]:
        """The per-topic sums that stats shows, added up in SQL.

        `topics` maps each topic to its question ids. Returns a TopicTotals
        per topic that has history, and one with topic None for questions
        with history in none of them: questions answered, answers, right
        ones, scheduled cards, the sum of their predicted recall at `now` on
        the forgetting curve R = (1 + factor * days / stability) ** decay
        (`curve` = (factor, decay), Scheduler.curve), and the reviews that
        true retention counts.

        One query per topic looks its questions up (bench/bench_review.py:
        20,000 questions, and no row per question reaches Python); the
        questions outside every topic are looked for only when the counts
        say there are some.
        """
        self._math()
        has_state = "c.stability IS NOT NULL AND c.last_review IS NOT NULL"
        sums = (f"count(q.question_id), total(q.answers), total(q.correct), count(c.question_id),"
                f" count(CASE WHEN {has_state} THEN 1 END), total(CASE WHEN {has_state} THEN"
                f" pow(1 + ?1 * max(0.0, julianday(?2) - julianday(c.last_review)) / c.stability, ?3) END),"
                f" total(q.reviews), total(q.recalled)")
        args = (curve[0], fmt_time(now), curve[1])
        out = []
        answered = carded = 0
        for topic, ids in topics.items():
            if self._has_json():
                row = self._read(f"SELECT {sums} FROM json_each(?4) j LEFT JOIN question_totals q"
                                 f" ON q.question_id = j.value LEFT JOIN cards c ON c.question_id = j.value",
                                 (*args, _json_strings(ids)))[0]
            else:
                row = self._sums_without_json(sums, args, ids)
            answered += row[0]
            carded += row[3]
            if row[0] or row[3]:
                out.append(_topic_totals(topic, row))
        if (self._read("SELECT count(*) FROM question_totals")[0][0] > answered
                or self._read("SELECT count(*) FROM cards")[0][0] > carded):
            row = self._sums_outside(sums, args, topics)
            if row[0] or row[4]:
                out.append(_topic_totals(None, row))
        return out

    def _sums_without_json(self, sums: str, args: tuple, ids: Sequence[str]) -> tuple:
        """`sums` over these questions, through a temporary table."""
        self._temp_ids(ids)
        try:
            return self._read(f"SELECT {sums} FROM temp.ids j LEFT JOIN question_totals q ON q.question_id = j.value"
                              f" LEFT JOIN cards c ON c.question_id = j.value", args)[0]
        finally:
            self.db.execute("DROP TABLE temp.ids")

    def _sums_outside(self, sums: str, args: tuple, topics: Mapping[str, Sequence[str]]) -> tuple:
        """`sums` over the questions with history in none of the topics."""
        self._temp_ids([qid for ids in topics.values() for qid in ids])
        try:
            outside = "SELECT question_id AS value FROM {0} WHERE question_id NOT IN (SELECT value FROM temp.ids)"
            return self._read(f"SELECT {sums} FROM ({outside.format('question_totals')} UNION"
                              f" {outside.format('cards')}) j LEFT JOIN question_totals q ON q.question_id = j.value"
                              f" LEFT JOIN cards c ON c.question_id = j.value", args)[0]
        finally:
            self.db.execute("DROP TABLE temp.ids")

    def _temp_ids(self, ids: Sequence[str]) -> None:
        self.db.execute("PRAGMA temp_store = MEMORY")
        self.db.execute("DROP TABLE IF EXISTS temp.ids")
        self.db.execute("CREATE TEMP TABLE ids (value TEXT PRIMARY KEY) WITHOUT ROWID")
        if self._has_json():
            self.db.execute("INSERT OR IGNORE INTO temp.ids SELECT value FROM json_each(?)", (_json_strings(ids),))
        else:
            self.db.executemany("INSERT OR IGNORE INTO temp.ids VALUES (?)", ((qid,) for qid in ids))

    def _has_json(self) -> bool:
        """Whether this SQLite has the JSON functions (built in since 3.38; an
        option before): without them, the slower plain SQL is used."""
        if self._json is None:
            try:
                self.db.execute("SELECT json_each.value FROM json_each('[1]')").fetchall()
                self._json = True
            except sqlite3.OperationalError:
                self._json = False
        return self._json

    def _math(self) -> None:
        """pow() in SQL: SQLite's own where it was built with its math
        functions (3.35+), else Python's (the same C pow)."""
        try:
            self.db.execute("SELECT pow(2.0, 0.5)").fetchall()
        except sqlite3.OperationalError:
            self.db.create_function("pow", 2, math.pow, deterministic=True)

    def due_per_hour(self, now: datetime, horizon: datetime) -> tuple[int, list[tuple[datetime, int]]]:
        """Cards due by `now`, and the others due before `horizon` per UTC hour."""
        overdue = self._read("SELECT count(*) FROM cards WHERE due <= ?", (fmt_time(now),))[0][0]
        rows = self._read("SELECT substr(due, 1, 13), count(*) FROM cards WHERE due > ? AND due < ? GROUP BY 1",
                          (fmt_time(now), fmt_time(horizon)))
        return overdue, [(datetime.fromisoformat(h + ":00:00").replace(tzinfo=timezone.utc), n) for h, n in rows]

    def introduced_since(self, since: datetime) -> int:
        """Cards first reviewed at or after `since` (for the daily new-card limit)."""
        return self._read("SELECT count(*) FROM cards WHERE first_review >= ?", (fmt_time(since),))[0][0]

    def has_history(self, question_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM answers WHERE question_id = ? LIMIT 1", (question_id,))
                    or self._read("SELECT 1 FROM cards WHERE question_id = ?", (question_id,)))

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


def _topic_totals(topic: str | None, row: tuple) -> TopicTotals:
    """TopicTotals from a row of Store.topic_totals' sums (SQL totals are floats)."""
    seen, n, correct, _cards, scheduled, recall, reviews, recalled = row
    return TopicTotals(topic, seen, int(n), int(correct), scheduled, recall, int(reviews), int(recalled))


def open_store(path: Path | None = None, *, readonly: bool = False) -> Store:
    """Open (creating or migrating) the progress database."""
    return Store(path or db_path(), readonly=readonly)


def recorder(mode: str = "quiz") -> Callable[[AnswerLike], None]:
    """An `on_answer` callback that logs each answer the moment it is given."""
    store = open_store()

    def record(event: AnswerLike) -> None:
        store.record_answer(event)

    return record
