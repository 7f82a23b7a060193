"""The queries `stats` reads: answer totals, activity per day or hour, the
sums per topic, the reviews due ahead. A part of `Store` (its base class),
kept apart so that each module stays small."""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime, timezone
from typing import Callable, Mapping, NamedTuple, Sequence

from quizcli.clock import fmt_time
from quizcli.store.cards import _json_strings


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



class StatsQueries:
    """Store methods; `_read`, `_db` and the helpers they use are the Store's."""

    _read: Callable[..., list[tuple]]

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


def _topic_totals(topic: str | None, row: tuple) -> TopicTotals:
    """TopicTotals from a row of Store.topic_totals' sums (SQL totals are floats)."""
    seen, n, correct, _cards, scheduled, recall, reviews, recalled = row
    return TopicTotals(topic, seen, int(n), int(correct), scheduled, recall, int(reviews), int(recalled))


