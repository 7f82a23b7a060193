"""What the progress store says about the user, as data (never prints).

Per topic: cards seen, accuracy, mean predicted recall (FSRS
retrievability now). Review activity per day over the last year and the
current streak; reviews due over the next 14 days; true retention (the share
of reviews of cards in the review state that were recalled) against the
desired retention; leeches (questions failed 8 times or more).

Days are the user's local days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple, Sequence

from quizcli.model import Library
from quizcli.scheduler import Scheduler
from quizcli.store import Store, fmt_time

if TYPE_CHECKING:
    from quizcli.bank.index import Index

LEECH_FAILURES = 8
HEATMAP_DAYS = 365
FORECAST_DAYS = 14
ORPHAN_TOPIC = "(not in a loaded bank)"


class TopicStats(NamedTuple):
    topic: str
    cards: int                        # questions in the topic (or with history, for orphans)
    seen: int                         # answered at least once, in any mode
    answers: int
    correct: int
    accuracy: float | None            # correct / answers
    scheduled: int                    # cards in the review schedule
    mean_recall: float | None         # mean retrievability now over scheduled cards


class Leech(NamedTuple):
    question_id: str
    topic: str
    failures: int
    answers: int


class Suspended(NamedTuple):
    question_id: str
    topic: str
    why: str                     # "leech" (suspended by itself) or "by hand" (`!` in review)
    since: datetime | None


class Held(NamedTuple):
    """How many cards are held: suspended, buried until later, flagged (one card may be several)."""
    suspended: int = 0
    buried: int = 0
    flagged: int = 0


class Stats(NamedTuple):
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
    suspended: tuple[Suspended, ...] = ()         # not asked in review until `quizcli progress unsuspend ID`
    held: Held = Held()


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


def _topics(library: Library | Index) -> dict[str, list[str]]:
    """Question ids per topic (bank). A library lists its questions bank by
    bank, so each run of one bank is taken whole."""
    from itertools import groupby
    from operator import attrgetter

    out: dict[str, list[str]] = {}
    for topic, questions in groupby(library.questions, key=attrgetter("bank_id")):
        ids = list(map(attrgetter("id"), questions))
        if topic in out:
            out[topic] += ids
        else:
            out[topic] = ids
    return out


def _topic_of(topics: dict[str, list[str]], ids: list[str]) -> list[str]:
    """The topic of each of a few questions (ORPHAN_TOPIC: none)."""
    found: dict[str, str] = {}
    if ids:
        wanted = set(ids)
        for topic, members in topics.items():
            for qid in wanted.intersection(members):
                found[qid] = topic
    return [found.get(qid, ORPHAN_TOPIC) for qid in ids]


def day_ranges(first_day: date, last_day: date,
               offsets: list[tuple[datetime, int]]) -> list[tuple[str, datetime, datetime]]:
    """Each local day from `first_day` to `last_day` as ranges of UTC time
    (label "2026-11-26", start, end), given the local UTC offset in minutes
    from each instant on (`local_offsets`): an instant belongs to the day
    its own offset puts it in, so a daylight-saving change splits its day
    into two ranges."""
    out = []
    for i, (seg_start, minutes) in enumerate(offsets):
        seg_end = offsets[i + 1][0] if i + 1 < len(offsets) else None
        shift = timedelta(minutes=minutes)
        day = max(first_day, (seg_start + shift).date())
        while day <= last_day:
            start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) - shift
            if seg_end is not None and start >= seg_end:
                break
            lo, hi = max(start, seg_start), start + timedelta(days=1)
            if seg_end is not None:
                hi = min(hi, seg_end)
            if lo < hi:
                out.append((day.isoformat(), lo, hi))
            day += timedelta(days=1)
    return out


def compute(library: Library | Index, store: Store, now: datetime, scheduler: Scheduler,
            selected: bool = False) -> Stats:
    """The stats; of the questions only ids and topics are read, so the
    light index (quizcli.bank.index) serves as well as the full library.

    `selected`: `library` holds only some questions (stats --topic/--tag):
    the topics, leeches and suspended cards are theirs alone (no row for
    questions outside them); activity and reviews due stay every card's."""
    # The sums per topic are done in SQL (Store.topic_totals): 20,000 cards
    # in bench/bench_review.py would otherwise be 40,000 rows read into Python.
    topic_ids = _topics(library)
    per_topic = store.topic_totals(topic_ids, now, scheduler.curve)
    if selected:
        per_topic = [t for t in per_topic if t.topic is not None]
    n_ret, c_ret = sum(t.reviews for t in per_topic), sum(t.recalled for t in per_topic)
    failing = store.failing(LEECH_FAILURES)
    leech_topics = _topic_of(topic_ids, [qid for qid, _, _ in failing])
    leeches = [Leech(qid, topic, n - correct, n) for (qid, n, correct), topic in zip(failing, leech_topics)
               if not (selected and topic == ORPHAN_TOPIC)]

    from quizcli.store.schema import SUSPENDED_LEECH

    holds = sorted(store.holds().items())
    hold_topics = _topic_of(topic_ids, [qid for qid, _ in holds])
    holds = [(qid, h, topic) for (qid, h), topic in zip(holds, hold_topics) if not (selected and topic == ORPHAN_TOPIC)]
    suspended = tuple(Suspended(qid, topic, "leech" if h[0] == SUSPENDED_LEECH else "by hand", h[1])
                      for qid, h, topic in holds if h[0])
    held = Held(len(suspended), sum(1 for _q, h, _t in holds if h[2] is not None and h[2] > now),
                sum(1 for _q, h, _t in holds if h[3]))

    sums = {(t.topic if t.topic is not None else ORPHAN_TOPIC): t for t in per_topic}
    topics = []
    for topic in sorted(set(topic_ids) | set(sums)):
        t = sums.get(topic)
        n_seen, n, correct, n_r, sum_r = (t.seen, t.answers, t.correct, t.scheduled, t.recall) if t else (0, 0, 0, 0, 0)
        ids = topic_ids.get(topic)
        cards = len(ids) if ids is not None else n_seen
        topics.append(TopicStats(topic, cards, n_seen, n, correct, correct / n if n else None,
                                 n_r, sum_r / n_r if n_r else None))
    n_all_r = sum(t.scheduled for t in per_topic)
    sum_all_r = sum(t.recall for t in per_topic)
    n_all = sum(t.answers for t in topics)
    c_all = sum(t.correct for t in topics)
    total = TopicStats("all", sum(t.cards for t in topics), sum(t.seen for t in topics), n_all, c_all,
                       c_all / n_all if n_all else None, n_all_r, sum_all_r / n_all_r if n_all_r else None)

    # Activity per local day: the store counts per UTC quarter hour, and each
    # goes to the local day it falls in, daylight saving included.
    today = _local_day(now)
    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=1)
    ranges = day_ranges(first_day, today, local_offsets(since, now))
    per_day = {date.fromisoformat(d): n for d, n in store.activity_in(ranges)}
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
        suspended=suspended,
        held=held,
    )


def to_json(stats: Stats, forecast: Sequence = ()) -> dict:
    """The same data, JSON-ready (dates as ISO text)."""
    return {
        "now": fmt_time(stats.now),
        "today": stats.today.isoformat(),
        "topics": [t._asdict() for t in stats.topics],
        "total": stats.total._asdict(),
        "activity": {d.isoformat(): n for d, n in stats.activity if n},
        "activity_days": len(stats.activity),
        "streak": stats.streak,
        "answered_today": stats.answered_today,
        "due": [{"date": d.isoformat(), "count": n} for d, n in stats.due],
        "overdue": stats.overdue,
        "retention": {"true": stats.true_retention, "desired": stats.desired_retention,
                      "reviews": stats.retention_reviews},
        "leeches": [l._asdict() for l in stats.leeches],
        "until": fmt_time(stats.until) if stats.until else None,
        "suspended": [{"question_id": x.question_id, "topic": x.topic, "why": x.why,
                       "since": fmt_time(x.since) if x.since else None,
                       "unsuspend": f"quizcli progress unsuspend {x.question_id}"} for x in stats.suspended],
        "held": stats.held._asdict(),
        "forecast": [f._asdict() for f in forecast],
    }
