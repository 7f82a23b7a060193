"""FSRS fitted to the candidate: the review log, held-out evaluation, the
optimizer, and calibration bins. Pure: reads data given to it, prints nothing.

Only scheduled reviews count (answers given in `quizcli review`, rated,
mode "review"): quiz and cram answers never moved the schedule, and fitting
to them would teach FSRS intervals the candidate never had.

Evaluation follows the FSRS benchmark: each card's history is replayed
through FSRS with the parameters under test, and at every review that comes
a day or more after the previous one the predicted recall R is compared
with what happened (recalled unless rated Again). Log loss is the mean
binary cross-entropy; RMSE (bins) is the root mean square gap between the
mean predicted R and the pass rate over bins of predicted R, weighted by
the reviews in each bin. Reviews are held out by card (a quarter of the
cards, chosen by a hash of the question id), so no card's history is in
both the fit and the test.

The optimizer is py-fsrs's (`fsrs[optimizer]`, which needs torch and
pandas); it is imported inside `fit_parameters` only.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime
from typing import Any, Iterable, NamedTuple, Sequence

MIN_REVIEWS = 512          # py-fsrs's optimizer returns its defaults below this many (counted) reviews
HOLDOUT = 0.25
BINS = 20


class Review(NamedTuple):
    card: str                  # question id
    at: datetime
    rating: int                # 1 again .. 4 easy
    seconds: float | None


class Fit(NamedTuple):
    log_loss: float
    rmse_bins: float
    reviews: int               # reviews scored (a day or more after the previous one)


class Report(NamedTuple):
    reviews: int               # scheduled reviews in the log
    counted: int               # of those, a day or more after the card's previous review
    train: int                 # counted reviews the fit learns from
    test: int                  # counted reviews held out
    before: Fit                # the current parameters on the held-out reviews
    after: Fit                 # the fitted ones
    parameters: tuple[float, ...]
    kept: bool                 # after beats before (lower log loss)


class NotEnough(Exception):
    def __init__(self, counted: int, needed: int, reviews: int):
        super().__init__(f"{counted} of {needed}")
        self.counted, self.needed, self.reviews = counted, needed, reviews


def scheduled_reviews(answers: Iterable[dict[str, Any]]) -> list[Review]:
    """The reviews that moved the schedule, from `store.export()["answers"]`."""
    from quizcli.clock import parse_time

    out = []
    for a in answers:
        if a.get("mode") == "review" and a.get("rating") in (1, 2, 3, 4):
            out.append(Review(a["question_id"], parse_time(a["at"]), int(a["rating"]), a.get("seconds")))
    out.sort(key=lambda r: (r.card, r.at))
    return out


def _by_card(reviews: Iterable[Review]) -> dict[str, list[Review]]:
    cards: dict[str, list[Review]] = {}
    for r in reviews:
        cards.setdefault(r.card, []).append(r)
    for rs in cards.values():
        rs.sort(key=lambda r: r.at)
    return cards


def held_out(card: str) -> bool:
    """Whether a card's reviews are held out from the fit (a stable quarter of the cards)."""
    return int(hashlib.sha256(card.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < HOLDOUT


def split(reviews: Sequence[Review]) -> tuple[list[Review], list[Review]]:
    train = [r for r in reviews if not held_out(r.card)]
    test = [r for r in reviews if held_out(r.card)]
    return train, test


def predictions(reviews: Iterable[Review], parameters: Sequence[float] | None = None) -> list[tuple[float, int]]:
    """(predicted recall, recalled 0/1) at every review a day or more after the previous one."""
    from fsrs import Card, Rating
    from fsrs import Scheduler as FsrsScheduler

    sched = FsrsScheduler(parameters=tuple(parameters), enable_fuzzing=False) if parameters is not None \
        else FsrsScheduler(enable_fuzzing=False)
    out = []
    for n, rs in enumerate(_by_card(reviews).values()):
        card = Card(card_id=n + 1, due=rs[0].at)
        for r in rs:
            if card.last_review is not None and (r.at - card.last_review).days >= 1:
                out.append((float(sched.get_card_retrievability(card, r.at)), int(r.rating > 1)))
            card, _ = sched.review_card(card, Rating(r.rating), review_datetime=r.at)
    return out


def counted(reviews: Iterable[Review]) -> int:
    """Reviews a day or more after the card's previous one (what the fit learns from)."""
    n = 0
    for rs in _by_card(reviews).values():
        n += sum(1 for a, b in zip(rs, rs[1:]) if (b.at - a.at).days >= 1)
    return n


def log_loss(preds: Sequence[tuple[float, int]]) -> float:
    eps = 1e-7
    return -sum(y * math.log(min(max(p, eps), 1 - eps)) + (1 - y) * math.log(1 - min(max(p, eps), 1 - eps))
                for p, y in preds) / len(preds)


class Bin(NamedTuple):
    low: float
    high: float
    reviews: int
    predicted: float           # mean predicted recall
    actual: float              # pass rate


def bins(preds: Sequence[tuple[float, int]], n: int = BINS) -> list[Bin]:
    """Equal-width bins of predicted recall over [0, 1]; empty bins left out."""
    sums: dict[int, list[float]] = {}
    for p, y in preds:
        i = min(n - 1, int(p * n))
        s = sums.setdefault(i, [0, 0.0, 0.0])
        s[0] += 1
        s[1] += p
        s[2] += y
    return [Bin(i / n, (i + 1) / n, int(c), sp / c, sy / c) for i, (c, sp, sy) in sorted(sums.items())]


def rmse_bins(preds: Sequence[tuple[float, int]], n: int = BINS) -> float:
    bs = bins(preds, n)
    total = sum(b.reviews for b in bs)
    return math.sqrt(sum(b.reviews * (b.predicted - b.actual) ** 2 for b in bs) / total)


def evaluate(reviews: Sequence[Review], parameters: Sequence[float] | None) -> Fit:
    preds = predictions(reviews, parameters)
    if not preds:
        return Fit(float("nan"), float("nan"), 0)
    return Fit(log_loss(preds), rmse_bins(preds), len(preds))


def fit_parameters(reviews: Sequence[Review]) -> tuple[float, ...]:
    """py-fsrs's optimizer on these reviews (imports torch)."""
    from fsrs import Rating, ReviewLog
    from fsrs.optimizer import Optimizer

    return tuple(float(x) for x in Optimizer(_logs(reviews)).compute_optimal_parameters())


def _logs(reviews: Sequence[Review]) -> list[Any]:
    from fsrs import Rating, ReviewLog

    ids = {card: n + 1 for n, card in enumerate(sorted({r.card for r in reviews}))}
    return [ReviewLog(card_id=ids[r.card], rating=Rating(r.rating), review_datetime=r.at,
                      review_duration=int((r.seconds or 0) * 1000) if r.seconds is not None else None)
            for r in reviews]


def optimize(reviews: Sequence[Review], current: Sequence[float] | None) -> Report:
    """Fit on three quarters of the cards, compare on the rest; raise NotEnough below MIN_REVIEWS."""
    train, test = split(reviews)
    n_train, n_test = counted(train), counted(test)
    if n_train < MIN_REVIEWS or n_test == 0:
        raise NotEnough(n_train, MIN_REVIEWS, len(reviews))
    params = fit_parameters(train)
    before, after = evaluate(test, current), evaluate(test, params)
    return Report(len(reviews), n_train + n_test, n_train, n_test, before, after, params,
                  after.log_loss < before.log_loss)


def optimal_retention(reviews: Sequence[Review], parameters: Sequence[float]) -> float | None:
    """The desired retention with the least study time per card remembered, by py-fsrs's
    simulation of this candidate's workload; None when it cannot tell (too few timed reviews)."""
    from fsrs.optimizer import Optimizer

    timed = [r for r in reviews if r.seconds is not None]
    if len(timed) < MIN_REVIEWS:
        return None
    return float(Optimizer(_logs(timed)).compute_optimal_retention(list(parameters)))
