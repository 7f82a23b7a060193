"""The forecast for an interview date: predicted recall per topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple

from quizcli.model import Question
from quizcli.scheduler import CardState, Scheduler

if TYPE_CHECKING:
    from quizcli.bank.index import QuestionInfo


class TopicForecast(NamedTuple):
    topic: str
    cards: int                       # questions in the topic (matching the filters)
    seen: int                        # of them ever reviewed
    recall: float                    # mean predicted recall on the date; never reviewed counts 0
    at_target: int                   # cards predicted at or above the target



def forecast_recall(questions: Iterable[Question | QuestionInfo], cards: dict[str, CardState],
                    sched: Scheduler) -> tuple[TopicForecast, ...]:
    """Predicted recall on the interview date per topic, if nothing more is reviewed.

    A lower bound: every review still scheduled before the date raises it.
    """
    assert sched.until is not None
    by_topic: dict[str, list[float | None]] = {}
    for q in questions:
        card = cards.get(q.id)
        by_topic.setdefault(q.bank_id, []).append(None if card is None else sched.retrievability(card, sched.until))
    out = []
    for topic, values in sorted(by_topic.items()):
        seen = [v for v in values if v is not None]
        out.append(TopicForecast(topic, len(values), len(seen), sum(seen) / len(values),
                                 sum(v >= sched.target - 1e-9 for v in seen)))
    return tuple(out)

