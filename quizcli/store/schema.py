"""The progress database's schema: migrations in order, and the triggers
that keep the stats aggregates.

PRAGMA user_version is the schema's version; migration i brings it from i
to i+1 (v1 the answer log, v2 the FSRS schedule and undo data, v3
aggregates for stats, v4 overrides and held cards, then the interview
answers of #17, then when each card's holds changed). A new table or column is ONE migration appended to
MIGRATIONS; PRAGMA application_id marks the file as quizcli's.
"""

from __future__ import annotations

import sqlite3
from typing import Callable

APPLICATION_ID = 0x51554943          # "QUIC": marks the file as quizcli's


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


def _v4(db: sqlite3.Connection) -> None:
    # v4: an answer the user overrode ("I was right" after a wrong auto-grade),
    # and cards held out of review: suspended (by hand, or as a leech), buried
    # until a time, flagged. A table of its own: a card never reviewed can be
    # held too, and the cards table stays a pure function of the ratings.
    db.execute("ALTER TABLE answers ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0")
    db.execute("""
        CREATE TABLE holds (
            question_id  TEXT PRIMARY KEY,
            suspended    INTEGER NOT NULL DEFAULT 0,   -- 0 no, 1 by hand, 2 a leech (suspended automatically)
            suspended_at TEXT,
            buried_until TEXT,                         -- UTC; not asked before
            flagged      INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID""")
    # The last time each question was skipped (`quiz --missed`: wrong or skipped last time).
    db.execute("CREATE TABLE skips (question_id TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID")


def _interview(db: sqlite3.Connection) -> None:
    # Interview answers (#17): what was typed to an open question, each key
    # point as the matcher marked it and as the candidate confirmed it. Its
    # row in `answers` (mode "interview") carries the rating and the card.
    db.execute("""
        CREATE TABLE interview_answers (
            id          INTEGER PRIMARY KEY,
            answer_uid  TEXT NOT NULL,      -- answers.uid of the same answer
            interview   TEXT NOT NULL,      -- one interview (a session id)
            question_id TEXT NOT NULL,
            at          TEXT NOT NULL,      -- UTC, ISO 8601
            lang        TEXT NOT NULL,
            text        TEXT NOT NULL,      -- as typed
            points      TEXT NOT NULL,      -- JSON [{"id", "auto", "covered"}], in the question's order
            covered     INTEGER NOT NULL,
            total       INTEGER NOT NULL,
            seconds     REAL,
            follow_up_of TEXT               -- the question whose answer led here; NULL: a main question
        )""")
    db.execute("CREATE INDEX interview_answers_at ON interview_answers (at)")
    db.execute("CREATE INDEX interview_answers_question ON interview_answers (question_id, at)")
    db.execute("CREATE INDEX interview_answers_uid ON interview_answers (answer_uid)")
    # An answer forgotten (undo, `progress reset`) takes its interview record with it.
    db.execute("CREATE TRIGGER interview_answers_forget AFTER DELETE ON answers BEGIN"
               " DELETE FROM interview_answers WHERE answer_uid = OLD.uid; END")


def _holds_changed(db: sqlite3.Connection) -> None:
    # When each card's holds last changed (UTC), so that `progress import`
    # keeps the newer of two machines' holds; NULL: before this column. A card
    # whose holds are all lifted keeps its row (all clear, with the time), so
    # that lifting one is a change an import knows of too.
    db.execute("ALTER TABLE holds ADD COLUMN changed_at TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _interview, _holds_changed]
SUSPENDED_BY_HAND, SUSPENDED_LEECH = 1, 2
SCHEMA_VERSION = len(MIGRATIONS)
