"""What the review tests share: the fixture banks, a clock they set by hand,
and the answer a user who knows it types."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from quizcli import answers
from quizcli.model import QuestionType
from quizcli.selection import choice_order

FIXTURES = Path(__file__).parent / "fixtures" / "review" / "content"
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
SEED = 1


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def right_answer(q) -> str:
    """What a user who knows the answer types (choices by their shown letters)."""
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        order = choice_order(q, SEED)
        return ",".join(answers.LETTERS[pos] for pos, i in enumerate(order) if q.choices[i].correct)
    if q.type is QuestionType.TRUE_FALSE:
        return "t" if q.answer_bool else "f"
    if q.type is QuestionType.NUMERIC:
        return answers.format_number(q.answer_number or 0)
    return q.accept[0]
