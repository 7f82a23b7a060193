"""The progress store: every answer and the schedule, in one SQLite file.

The only module that reads or writes progress. The file is
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

The schema has a version (PRAGMA user_version) and a list of migrations
applied in order (v1 the answer log, v2 the FSRS schedule and undo data, v3
aggregates for stats); PRAGMA application_id marks the file as quizcli's.
"""

from __future__ import annotations

import math
import os
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, NamedTuple, Protocol, Sequence

from quizcli import paths
from quizcli.errors import ExitCode, NotFoundError, QuizcliError
from quizcli.scheduler import CardState

ENV_DB = "QUIZCLI_DB"                # the progress file itself (overrides QUIZCLI_HOME)
APPLICATION_ID = 0x51554943          # "QUIC": marks the file as quizcli's
BUSY_TIMEOUT_MS = 10_000
EXPORT_FORMAT = "quizcli-progress"
EXPORT_VERSION = 1


def db_path() -> Path:
    override = os.environ.get(ENV_DB)
    return Path(override) if override else paths.user_dir() / "progress.sqlite3"


# --------------------------------------------------------------------------
# Time: stored as fixed-width ISO 8601 UTC text ("2026-11-26T08:43:00.123Z"),
# which sorts as it reads and SQLite's date functions understand.


def fmt_time(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    at = at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    # Fast path for what fmt_time writes (a review reads thousands of them).
    if len(text) == 24 and text[-1] == "Z":
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=timezone.utc)
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


# --------------------------------------------------------------------------
# Schema: migrations in order; migration i brings user_version from i to i+1.


def _v1(db: sqlite3.Connection) -> None:
    # v1: the answer log only (what `quiz` wrote before review existed).
    db.execute("""
        CREATE TABLE answers (
            id          INTEGER PRIMARY KEY,
            question_id TEXT NOT NULL,
            at          TEXT NOT NULL,      -- UTC, ISO 8601
            given       TEXT NOT NULL,      -- as typed
            correct     INTEGER NOT NULL,   -- 0 or 1
            grade       INTEGER,            -- flashcard self-grade 1-4
            seconds     REAL,               -- time taken to answer
            mode        TEXT NOT NULL       -- quiz, review, cram
        )""")
    db.execute("CREATE INDEX answers_question ON answers (question_id, at)")


def _v2(db: sqlite3.Connection) -> None:
    # v2: spaced repetition. A unique id per answer (so export/import never
    # duplicates), the FSRS rating it applied, the card state before it (so
    # `u` undoes exactly) and the due date it set; the current card per question.
    db.execute("ALTER TABLE answers ADD COLUMN uid TEXT")
    db.execute("UPDATE answers SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL")
    db.execute("CREATE UNIQUE INDEX answers_uid ON answers (uid)")
    db.execute("ALTER TABLE answers ADD COLUMN rating INTEGER")        # NULL: did not touch the schedule
    db.execute("ALTER TABLE answers ADD COLUMN state_before INTEGER")  # FSRS state before; NULL: new card
    db.execute("ALTER TABLE answers ADD COLUMN card_before TEXT")      # JSON; for undo
    db.execute("ALTER TABLE answers ADD COLUMN due_after TEXT")
    db.execute("CREATE INDEX answers_at ON answers (at)")
    db.execute("""
        CREATE TABLE cards (
            question_id  TEXT PRIMARY KEY,
            state        INTEGER NOT NULL,
            step         INTEGER,
            stability    REAL,
            difficulty   REAL,
            due          TEXT NOT NULL,
            last_review  TEXT,
            reps         INTEGER NOT NULL DEFAULT 0,
            lapses       INTEGER NOT NULL DEFAULT 0,
            first_review TEXT NOT NULL
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX cards_first ON cards (first_review)")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")


def _v3(db: sqlite3.Connection) -> None:
    # v3: aggregates kept by triggers in the same transaction as each answer,
    # so `stats` reads one row per question and per quarter hour instead of
    # the whole log (bench/bench_review.py: 200,000 answers). Quarter hours,
    # because every time zone's offset is a multiple of 15 minutes: each
    # bucket falls in exactly one local day.
    db.execute("CREATE INDEX cards_due ON cards (due)")
    db.execute("""
        CREATE TABLE question_totals (
            question_id TEXT PRIMARY KEY,
            answers     INTEGER NOT NULL,
            correct     INTEGER NOT NULL,
            reviews     INTEGER NOT NULL,   -- rated, of a card in the review state (true retention)
            recalled    INTEGER NOT NULL    -- of those, right
        ) WITHOUT ROWID""")
    db.execute("CREATE TABLE activity (bucket TEXT PRIMARY KEY, answers INTEGER NOT NULL) WITHOUT ROWID")
    create_aggregate_triggers(db)
    recount_aggregates(db)


_BUCKET = "substr({0}.at, 1, 14) || printf('%02d', CAST(substr({0}.at, 15, 2) AS INTEGER) / 15 * 15)"
_IS_REVIEW = "({0}.rating IS NOT NULL AND coalesce({0}.state_before, 0) = 2)"
_TRIGGERS = ("answers_add", "answers_sub", "answers_change")


def create_aggregate_triggers(db: sqlite3.Connection) -> None:
    add = """
        INSERT INTO question_totals VALUES (NEW.question_id, 1, NEW.correct, {r}, {r} AND NEW.correct)
          ON CONFLICT (question_id) DO UPDATE SET answers = answers + 1, correct = correct + NEW.correct,
          reviews = reviews + {r}, recalled = recalled + ({r} AND NEW.correct);
        INSERT INTO activity VALUES ({b}, 1) ON CONFLICT (bucket) DO UPDATE SET answers = answers + 1;
    """.format(r=_IS_REVIEW.format("NEW"), b=_BUCKET.format("NEW"))
    sub = """
        UPDATE question_totals SET answers = answers - 1, correct = correct - OLD.correct,
          reviews = reviews - {r}, recalled = recalled - ({r} AND OLD.correct) WHERE question_id = OLD.question_id;
        DELETE FROM question_totals WHERE question_id = OLD.question_id AND answers = 0;
        UPDATE activity SET answers = answers - 1 WHERE bucket = {b};
        DELETE FROM activity WHERE bucket = {b} AND answers = 0;
    """.format(r=_IS_REVIEW.format("OLD"), b=_BUCKET.format("OLD"))
    db.execute(f"CREATE TRIGGER answers_add AFTER INSERT ON answers BEGIN {add} END")
    db.execute(f"CREATE TRIGGER answers_sub AFTER DELETE ON answers BEGIN {sub} END")
    db.execute(f"CREATE TRIGGER answers_change AFTER UPDATE ON answers BEGIN {sub} {add} END")


def drop_aggregate_triggers(db: sqlite3.Connection) -> None:
    """For bulk loading (bench): drop, insert, then recount and create them again."""
    for name in _TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def recount_aggregates(db: sqlite3.Connection) -> None:
    """Set the aggregates from the answers, counted once."""
    review = _IS_REVIEW.format("answers")
    db.execute("DELETE FROM question_totals")
    db.execute("DELETE FROM activity")
    db.execute(f"""
        INSERT INTO question_totals SELECT question_id, count(*), sum(correct), sum({review}),
          sum({review} AND correct) FROM answers GROUP BY question_id""")
    db.execute(f"INSERT INTO activity SELECT {_BUCKET.format('answers')}, count(*) FROM answers GROUP BY 1")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


# --------------------------------------------------------------------------
# Errors


def _not_ours(path: Path, why: str) -> QuizcliError:
    return QuizcliError(
        f"{path} is not a quizcli progress database ({why}); it was left unchanged",
        hint=f"move it away, or point ${ENV_DB} (or $QUIZCLI_HOME) somewhere else",
        exit_code=ExitCode.BAD_INPUT)


def _damaged(path: Path, err: Exception) -> QuizcliError:
    return QuizcliError(
        f"the progress database {path} is damaged ({err}); it was left unchanged",
        hint="restore it from a `quizcli progress export` backup, or move it away to start afresh",
        exit_code=ExitCode.BAD_INPUT)


# --------------------------------------------------------------------------
# The store


if TYPE_CHECKING:     # annotations only: a Protocol class costs a few ms to make at import
    class AnswerLike(Protocol):
        """What the quiz and review sessions report (session.AnswerEvent)."""

        question_id: str
        at: datetime
        given: str
        correct: bool
        grade: int | None
        seconds: float
        mode: str


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


class ImportResult(NamedTuple):
    added: int
    skipped: int        # already present (same uid)
    cards: int          # questions whose schedule was rebuilt


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
        path.parent.mkdir(parents=True, exist_ok=True)
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
            raise _damaged(path, err) from None
        except sqlite3.DatabaseError as err:
            raise _damaged(path, err) from None

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
            raise
        except sqlite3.DatabaseError as err:
            if type(err) is not sqlite3.DatabaseError:    # IntegrityError and the like: a bug
                raise
            raise _damaged(self.path, err) from None
        return result

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as err:
            if type(err) is not sqlite3.DatabaseError:
                raise
            raise _damaged(self.path, err) from None

    # -- writing answers

    def record_answer(self, event: AnswerLike) -> str:
        """Log an answer that does not touch the schedule (quiz, cram). Returns its uid."""
        uid = uuid.uuid4().hex
        self._write(lambda db: _insert(db, uid, event, None, None, None, None))
        return uid

    def record_review(self, event: AnswerLike, rating: int, before: CardState | None, after: CardState) -> str:
        """Log a rated answer and move its card to `after`, in one transaction."""
        uid = uuid.uuid4().hex

        def write(db: sqlite3.Connection) -> None:
            _insert(db, uid, event, rating, before, after.due, before.state if before else None)
            _put_card(db, event.question_id, after, event.at)

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
            if type(err) is not sqlite3.DatabaseError:
                raise
            raise _damaged(self.path, err) from None
        return due_now, None

    # -- aggregates for stats (each one pass over an index)

    def answer_totals(self) -> list[tuple[str, int, int, int, int]]:
        """Per question: answers, right ones, rated reviews of a card in the
        review state, and of them recalled (kept by triggers; see _v3)."""
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

        Ranges begin and end on a quarter hour (the buckets of _v3); a label
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
        """Every answer and card as JSON-ready data."""
        import json

        cols = ("uid", "question_id", "at", "given", "correct", "grade", "seconds", "mode",
                "rating", "state_before", "card_before", "due_after")
        answers = []
        for row in self._read(f"SELECT {', '.join(cols)} FROM answers ORDER BY at, id"):
            item = dict(zip(cols, row))
            item["correct"] = bool(item["correct"])
            item["card_before"] = json.loads(item["card_before"]) if item["card_before"] else None
            answers.append(item)
        cards = {qid: card_to_dict(card) for qid, card in sorted(self.cards().items())}
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "schema": SCHEMA_VERSION,
                "answers": answers, "cards": cards}

    def import_(self, data: Any, source: str = "the file") -> ImportResult:
        """Merge an export: answers already present (same uid) are skipped.

        A question whose rated reviews changed gets its card rebuilt by
        replaying every rated review in time order through FSRS (which is
        deterministic: no fuzz) with this machine's settings (retention,
        interview date), so the schedule reflects both machines.
        """
        from quizcli.scheduler import DEFAULT_RETENTION, Scheduler

        rows = _parse_export(data, source)
        retention, until, target = self.setting("retention"), self.setting("until"), self.setting("target")
        sched = Scheduler(float(retention) if retention else DEFAULT_RETENTION,
                          until=parse_time(until) if until else None, target=float(target) if target else None)

        def write(db: sqlite3.Connection) -> ImportResult:
            added = 0
            touched: set[str] = set()
            for r in rows:
                cur = db.execute(
                    "INSERT OR IGNORE INTO answers (uid, question_id, at, given, correct, grade, seconds, mode,"
                    " rating, state_before, card_before, due_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", r)
                if cur.rowcount:
                    added += 1
                    if r[8] is not None:
                        touched.add(r[1])
            for qid in sorted(touched):
                _rebuild_card(db, sched, qid)
            return ImportResult(added, len(rows) - added, len(touched))

        return self._write(write)


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


def _rebuild_card(db: sqlite3.Connection, sched: Any, qid: str) -> None:
    rows = db.execute("SELECT at, rating FROM answers WHERE question_id = ? AND rating IS NOT NULL"
                      " ORDER BY at, id", (qid,)).fetchall()
    card: CardState | None = None
    for at, rating in rows:
        card, _log = sched.review(card, rating, parse_time(at))
    if card is None:
        return
    db.execute("DELETE FROM cards WHERE question_id = ?", (qid,))
    _put_card(db, qid, card, parse_time(rows[0][0]))


# --------------------------------------------------------------------------
# Card <-> row, JSON

_CARD_COLUMNS = "question_id, state, step, stability, difficulty, due, last_review, reps, lapses"


def _topic_totals(topic: str | None, row: tuple) -> TopicTotals:
    """TopicTotals from a row of Store.topic_totals' sums (SQL totals are floats)."""
    seen, n, correct, _cards, scheduled, recall, reviews, recalled = row
    return TopicTotals(topic, seen, int(n), int(correct), scheduled, recall, int(reviews), int(recalled))


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


def _parse_export(data: Any, source: str) -> list[tuple]:
    """Validate an export and turn it into rows; every problem names its place."""

    def bad(where: str, what: str) -> QuizcliError:
        return QuizcliError(f"{source}: {where}: {what}",
                            hint="import a file written by `quizcli progress export`", exit_code=ExitCode.BAD_INPUT)

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise bad("top level", f"not a quizcli progress export (expected \"format\": \"{EXPORT_FORMAT}\")")
    if data.get("version") != EXPORT_VERSION:
        raise bad("version", f"unsupported version {data.get('version')!r}; this quizcli reads {EXPORT_VERSION}")
    answers = data.get("answers")
    if not isinstance(answers, list):
        raise bad("answers", "must be a list")
    rows = []
    for i, a in enumerate(answers):
        where = f"answers[{i}]"
        if not isinstance(a, dict):
            raise bad(where, "must be an object")
        try:
            uid, qid, mode, given = a["uid"], a["question_id"], a["mode"], a["given"]
            if not all(isinstance(v, str) and v for v in (uid, qid, mode)) or not isinstance(given, str):
                raise ValueError("uid, question_id, mode and given must be strings")
            at = fmt_time(parse_time(a["at"]))
            rating = a.get("rating")
            if rating is not None and rating not in (1, 2, 3, 4):
                raise ValueError(f"rating {rating!r} is not 1-4")
            grade = a.get("grade")
            if grade is not None and grade not in (1, 2, 3, 4):
                raise ValueError(f"grade {grade!r} is not 1-4")
            seconds = a.get("seconds")
            if seconds is not None:
                seconds = float(seconds)
            before = a.get("card_before")
            before_json = card_to_json(card_from_dict(before)) if before is not None else None
            due_after = fmt_time(parse_time(a["due_after"])) if a.get("due_after") else None
            state_before = a.get("state_before")
            if state_before is not None and state_before not in (1, 2, 3):
                raise ValueError(f"state_before {state_before!r} is not 1-3")
        except KeyError as err:
            raise bad(where, f"missing field {err.args[0]!r}") from None
        except (TypeError, ValueError) as err:
            raise bad(where, str(err)) from None
        rows.append((uid, qid, at, given, int(bool(a.get("correct"))), grade, seconds, mode, rating,
                     state_before, before_json, due_after))
    return rows


# --------------------------------------------------------------------------
# Opening


def _check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not ours or is damaged."""
    if not path.exists():
        return
    if path.is_dir():
        raise _not_ours(path, "it is a folder")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as err:
        raise QuizcliError(f"cannot read the progress database {path}: {err.strerror}",
                           hint="check its permissions", exit_code=ExitCode.BAD_INPUT) from None
    if size == 0:
        return      # SQLite treats an empty file as an empty database: safe to set up
    if header != b"SQLite format 3\x00":
        raise _not_ours(path, "not an SQLite database")
    # Ask SQLite through a read-only connection (it sees a header still in
    # the WAL, which the raw bytes may not): nothing is written on this path.
    try:
        ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                             isolation_level=None)
        try:
            app_id = ro.execute("PRAGMA application_id").fetchone()[0]
            version = ro.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in ro.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            ro.close()
    except sqlite3.DatabaseError as err:
        raise _damaged(path, err) from None
    if app_id == 0 and version == 0 and not tables:
        return      # an empty database (a first run killed before its first commit)
    if app_id != APPLICATION_ID:
        raise _not_ours(path, "an SQLite database of another application" if app_id
                        else "an SQLite database quizcli did not create")
    if version > SCHEMA_VERSION:
        raise QuizcliError(f"{path} was written by a newer quizcli (schema {version}; this one knows {SCHEMA_VERSION})",
                           hint="upgrade quizcli; the file was left unchanged", exit_code=ExitCode.BAD_INPUT)
    if "answers" not in tables:
        raise _damaged(path, "its answers table is missing")


def open_store(path: Path | None = None, *, readonly: bool = False) -> Store:
    """Open (creating or migrating) the progress database."""
    return Store(path or db_path(), readonly=readonly)


def recorder(mode: str = "quiz") -> Callable[[AnswerLike], None]:
    """An `on_answer` callback that logs each answer the moment it is given."""
    store = open_store()

    def record(event: AnswerLike) -> None:
        store.record_answer(event)

    return record
