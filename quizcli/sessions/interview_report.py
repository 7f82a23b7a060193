"""The interview's report as data (#17): per question, per topic, the weakest points.

Built from the confirmed answers of a session; the UI renders it in the
terminal (quizcli.ui.interview) or as Markdown (`--report FILE`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple, Sequence

from quizcli.model import KeyPoint, Question

if TYPE_CHECKING:
    from quizcli.sessions.interview import Asked, Confirmed


class QuestionRow(NamedTuple):
    question: Question
    depth: int
    covered: tuple[KeyPoint, ...]
    missed: tuple[KeyPoint, ...]
    auto: frozenset[str]          # what the matcher had marked
    seconds: float
    rating: int


class TopicRow(NamedTuple):
    topic: str
    covered: int
    total: int

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


class WeakPoint(NamedTuple):
    question: Question
    point: KeyPoint
    covered_before: int           # times covered in earlier interviews
    asked_before: int             # times asked in earlier interviews
    commands: tuple[str, ...]     # what to run to study it


class InterviewReport(NamedTuple):
    rows: tuple[QuestionRow, ...]
    skipped: tuple[Question, ...]
    topics: tuple[TopicRow, ...]
    weakest: tuple[WeakPoint, ...]
    seconds: float                # time spent answering
    ended_by: str

    @property
    def covered(self) -> int:
        return sum(len(r.covered) for r in self.rows)

    @property
    def total(self) -> int:
        return sum(len(r.covered) + len(r.missed) for r in self.rows)


def study_commands(q: Question) -> tuple[str, ...]:
    """The commands that study a question's subject: review by its tag, its demo or the question."""
    out = []
    if q.tags:
        out.append(f"quizcli review --tag {q.tags[0]}")
    out.append(f"quizcli explain {q.id}" if q.demo else f"quizcli show {q.id}")
    return tuple(out)


def _history(rows: Sequence[tuple], current: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(question, point) -> (covered, asked) over earlier interviews (not the current one)."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for row in rows:
        interview, qid, points = row[1], row[2], row[5]
        if interview in current:
            continue
        try:
            marks = json.loads(points)
        except (TypeError, ValueError):
            continue
        for m in marks:
            if isinstance(m, dict) and isinstance(m.get("id"), str):
                c, n = out.get((qid, m["id"]), (0, 0))
                out[(qid, m["id"])] = (c + bool(m.get("covered")), n + 1)
    return out


def build_report(results: Sequence[Confirmed], skipped: Sequence[Asked], ended_by: str,
                 history: Sequence[tuple] = ()) -> InterviewReport:
    rows = []
    topics: dict[str, list[int]] = {}
    for r in results:
        q = r.asked.question
        covered = tuple(p for p in q.key_points if p.id in r.covered)
        missed = tuple(p for p in q.key_points if p.id not in r.covered)
        rows.append(QuestionRow(q, r.asked.depth, covered, missed, r.auto, r.seconds, r.rating))
        t = topics.setdefault(q.bank_id, [0, 0])
        t[0] += len(covered)
        t[1] += len(q.key_points)
    past = _history(history, {r.interview for r in results})
    candidates = []
    for order, row in enumerate(rows):
        for p in row.missed:
            c, n = past.get((row.question.id, p.id), (0, 0))
            # Weakest first: missed before as well (lowest share covered), then harder questions.
            share = (c / n) if n else 1.0
            candidates.append((share, -n, -row.question.difficulty, order,
                               WeakPoint(row.question, p, c, n, study_commands(row.question))))
    candidates.sort(key=lambda c: c[:4])
    return InterviewReport(
        rows=tuple(rows),
        skipped=tuple(a.question for a in skipped),
        topics=tuple(TopicRow(t, c, n) for t, (c, n) in sorted(topics.items())),
        weakest=tuple(c[-1] for c in candidates[:3]),
        seconds=sum(r.seconds for r in results),
        ended_by=ended_by,
    )


# --------------------------------------------------------------------------
# Over time, for `quizcli stats`


class TopicTrend(NamedTuple):
    topic: str
    interviews: tuple[tuple[str, int, int], ...]   # (local date, points covered, points asked), oldest first

    @property
    def covered(self) -> int:
        return sum(c for _, c, _ in self.interviews)

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.interviews)


def trends(rows: Sequence[tuple], topic_of: dict[str, str]) -> tuple[TopicTrend, ...]:
    """Per topic, the share of key points covered in each interview (store.interview.answers() rows)."""
    from quizcli.clock import parse_time

    per: dict[str, dict[str, list]] = {}
    for at, interview, qid, *_rest in rows:
        covered, total = _rest[3], _rest[4]
        topic = topic_of.get(qid)
        if topic is None:          # its bank is not loaded now
            continue
        entry = per.setdefault(topic, {}).setdefault(interview, [parse_time(at), 0, 0])
        entry[1] += covered
        entry[2] += total
    out = []
    for topic in sorted(per):
        items = sorted(per[topic].values(), key=lambda e: e[0])
        out.append(TopicTrend(topic, tuple((e[0].astimezone().date().isoformat(), e[1], e[2]) for e in items)))
    return tuple(out)
