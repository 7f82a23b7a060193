"""What the progress store says about the user, as data (never prints).

Per topic: cards seen, accuracy, mean predicted recall (FSRS
retrievability now). Review activity per day over the last year and the
current streak; reviews due over the next 14 days; true retention (the share
of reviews of cards in the review state that were recalled) against the
desired retention; leeches (questions failed 8 times or more).

Days are the user's local days.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Sequence

from quizcli.model import Library
from quizcli.scheduler import Scheduler
from quizcli.store import Store, fmt_time

if TYPE_CHECKING:
    from quizcli.bank.index import Index

LEECH_FAILURES = 8
HEATMAP_DAYS = 365
FORECAST_DAYS = 14
ORPHAN_TOPIC = "(not in a loaded bank)"


@dataclass(frozen=True)
class TopicStats:
    topic: str
    cards: int                        # questions in the topic (or with history, for orphans)
    seen: int                         # answered at least once, in any mode
    answers: int
    correct: int
    accuracy: float | None            # correct / answers
    scheduled: int                    # cards in the review schedule
    mean_recall: float | None         # mean retrievability now over scheduled cards


@dataclass(frozen=True)
class Leech:
    question_id: str
    topic: str
    failures: int
    answers: int


@dataclass(frozen=True)
class Stats:
    now: datetime
    today: date
    topics: tuple[TopicStats, ...]
    total: TopicStats
    activity: tuple[tuple[date, int], ...]        # every day of the last year, oldest first
    streak: int                                   # days in a row with an answer, up to today (or yesterday)
    answered_today: int
    due: tuple[tuple[date, int], ...]             # next 14 days; today includes the overdue
    overdue: int
    retention_reviews: int                        # reviews of cards in the review state
    true_retention: float | None
    desired_retention: float
    leeches: tuple[Leech, ...]
    until: datetime | None


def _local_day(at: datetime) -> date:
    return at.astimezone().date()


def _offset(at: datetime) -> int:
    return int((at.astimezone().utcoffset() or timedelta(0)).total_seconds() // 60)


def local_offsets(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The local UTC offset (minutes) from `start` to `end`, as (from, offset)
    at each change: looked up once per day, and to the quarter hour on the
    days it changes (daylight saving; twice a year at most)."""
    step = timedelta(minutes=15)
    start = start.astimezone(timezone.utc)
    out = [(start, _offset(start))]
    day = start
    while day < end:
        nxt = day + timedelta(days=1)
        new = _offset(nxt)
        if new != out[-1][1]:
            lo, hi = 0, 96          # quarter hours into the day: old offset at lo, new at hi
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(day + mid * step) == out[-1][1]:
                    lo = mid
                else:
                    hi = mid
            out.append((day + hi * step, new))
        day = nxt
    return out


def compute(library: Library | Index, store: Store, now: datetime, scheduler: Scheduler) -> Stats:
    """The stats; of the questions only ids and topics are read, so the
    light index (quizcli.bank.index) serves as well as the full library."""
    # Every loop here runs once per card (20,000 in bench/bench_review.py),
    # so each does as little as it can; SQL sums what needs no topic.
    from collections import Counter

    topic_of: dict[str, str] = {q.id: q.bank_id for q in library.questions}
    per_topic_cards: dict[str, int] = Counter(topic_of.values())    # ids are unique across banks
    topic_get = topic_of.get

    # Answers per question, summed per topic: [questions seen, answers, right].
    seen: dict[str, list[int]] = {}
    for qid, n, correct in store.answer_counts():
        topic = topic_get(qid, ORPHAN_TOPIC)
        acc = seen.get(topic)
        if acc is None:
            seen[topic] = [1, n, correct]
        else:
            acc[0] += 1
            acc[1] += n
            acc[2] += correct
    n_ret, c_ret = store.retention_totals()
    leeches = [Leech(qid, topic_of.get(qid, ORPHAN_TOPIC), n - correct, n)
               for qid, n, correct in store.failing(LEECH_FAILURES)]

    # Predicted recall now, per topic: [cards, sum of recall].
    recall: dict[str, list] = {}
    curve = scheduler.recall
    for qid, stability, days in store.recall_inputs(now):
        topic = topic_get(qid, ORPHAN_TOPIC)
        acc = recall.get(topic)
        if acc is None:
            recall[topic] = [1, curve(stability, days)]
        else:
            acc[0] += 1
            acc[1] += curve(stability, days)

    topics = []
    for topic in sorted(set(per_topic_cards) | set(seen) | set(recall)):
        n_seen, n, correct = seen.get(topic, (0, 0, 0))
        n_r, sum_r = recall.get(topic, (0, 0.0))
        cards = per_topic_cards.get(topic, n_seen)
        topics.append(TopicStats(topic, cards, n_seen, n, correct, correct / n if n else None,
                                 n_r, sum_r / n_r if n_r else None))
    n_all_r = sum(v[0] for v in recall.values())
    sum_all_r = sum(v[1] for v in recall.values())
    n_all = sum(t.answers for t in topics)
    c_all = sum(t.correct for t in topics)
    total = TopicStats("all", sum(t.cards for t in topics), sum(t.seen for t in topics), n_all, c_all,
                       c_all / n_all if n_all else None, n_all_r, sum_all_r / n_all_r if n_all_r else None)

    # Activity per local day: the store counts per UTC quarter hour, and each
    # goes to the local day it falls in, daylight saving included.
    today = _local_day(now)
    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=1)
    per_day: dict[date, int] = {}
    for day_text, n in store.activity_per_day(since, local_offsets(since, now)):
        d = date.fromisoformat(day_text)
        if first_day <= d <= today:
            per_day[d] = n
    activity = tuple((first_day + timedelta(days=i), per_day.get(first_day + timedelta(days=i), 0))
                     for i in range(HEATMAP_DAYS))
    streak = 0
    day = today if per_day.get(today) else today - timedelta(days=1)
    while per_day.get(day):
        streak += 1
        day -= timedelta(days=1)

    # Reviews due over the next 14 local days; today includes the overdue.
    horizon_day = today + timedelta(days=FORECAST_DAYS)
    horizon = datetime.combine(horizon_day, datetime.min.time()).astimezone().astimezone(timezone.utc) + timedelta(hours=1)
    overdue, hours = store.due_per_hour(now, horizon)
    due_days: dict[date, int] = {today: overdue}
    for hour, n in hours:
        d = _local_day(hour)
        if d < horizon_day:
            due_days[d] = due_days.get(d, 0) + n

    return Stats(
        now=now, today=today, topics=tuple(topics), total=total, activity=activity, streak=streak,
        answered_today=per_day.get(today, 0),
        due=tuple((today + timedelta(days=i), due_days.get(today + timedelta(days=i), 0)) for i in range(FORECAST_DAYS)),
        overdue=overdue, retention_reviews=n_ret, true_retention=c_ret / n_ret if n_ret else None,
        desired_retention=scheduler.desired_retention,
        leeches=tuple(sorted(leeches, key=lambda l: (-l.failures, l.question_id))),
        until=scheduler.until,
    )


def to_json(stats: Stats, forecast: Sequence = ()) -> dict:
    """The same data, JSON-ready (dates as ISO text)."""
    return {
        "now": fmt_time(stats.now),
        "today": stats.today.isoformat(),
        "topics": [asdict(t) for t in stats.topics],
        "total": asdict(stats.total),
        "activity": {d.isoformat(): n for d, n in stats.activity if n},
        "activity_days": len(stats.activity),
        "streak": stats.streak,
        "answered_today": stats.answered_today,
        "due": [{"date": d.isoformat(), "count": n} for d, n in stats.due],
        "overdue": stats.overdue,
        "retention": {"true": stats.true_retention, "desired": stats.desired_retention,
                      "reviews": stats.retention_reviews},
        "leeches": [asdict(l) for l in stats.leeches],
        "until": fmt_time(stats.until) if stats.until else None,
        "forecast": [asdict(f) for f in forecast],
    }
