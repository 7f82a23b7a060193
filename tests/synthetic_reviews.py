"""A review log drawn from known FSRS parameters: each card is reviewed
around its due date (0.6 to 1.8 times the interval), recalled with the
probability FSRS with those parameters predicts, and rated again (1) when
forgotten, else hard/good/easy (2/3/4 at 10/75/15 %)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from quizcli.fit import Review

# FSRS-6 defaults with the initial stabilities, the growth of stability on recall (w8) and the decay moved.
TRUE_PARAMETERS = (1.5, 4.0, 12.0, 30.0, 6.4133, 0.8334, 3.0194, 0.001, 0.9, 0.18, 0.9, 1.4, 0.0658,
                   0.3, 1.6, 0.55, 1.8729, 0.5425, 0.0912, 0.0658, 0.5)


def synthetic_reviews(cards: int, per_card: int, seed: int = 0, parameters=TRUE_PARAMETERS) -> list[Review]:
    from fsrs import Card, Rating, Scheduler

    sched = Scheduler(parameters=parameters, desired_retention=0.9, enable_fuzzing=False)
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
    out = []
    for n in range(cards):
        card, at = Card(card_id=n + 1), start + timedelta(days=rng.random() * 30)
        for _ in range(per_card):
            if card.last_review is None:
                rating = rng.choice((1, 2, 3, 3, 3, 4))
            elif rng.random() < sched.get_card_retrievability(card, at):
                rating = rng.choices((2, 3, 4), (10, 75, 15))[0]
            else:
                rating = 1
            out.append(Review(f"q{n:04d}", at, rating, float(rng.randint(3, 15))))
            card, _ = sched.review_card(card, Rating(rating), review_datetime=at)
            at = at + (card.due - at) * rng.uniform(0.6, 1.8) + timedelta(minutes=1)
    return out


def as_answers(reviews: list[Review]) -> list[dict]:
    """The reviews as `quizcli progress export` answers."""
    return [{"uid": f"syn-{i}", "question_id": r.card, "at": r.at.isoformat().replace("+00:00", "Z"),
             "given": "", "correct": r.rating > 1, "grade": r.rating, "seconds": r.seconds, "mode": "review",
             "rating": r.rating, "state_before": None, "card_before": None, "due_after": None}
            for i, r in enumerate(reviews)]
