"""The model: what a bank holds once it is loaded and validated.

Frozen dataclasses, standard library only, no I/O. The loader builds these
from YAML; everything else (sessions, UI, export, demos) reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Union

LANGS = ("en", "zh")
FALLBACK_MARK = {"en": "[zh] ", "zh": "[en] "}  # shown before text in the other language


class QuestionType(str, Enum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"
    SHORT_ANSWER = "short_answer"
    FLASHCARD = "flashcard"


class Verdict(str, Enum):
    """What the literature (and our demos) say of a claim of the article."""

    TRUE = "true"
    NUANCED = "nuanced"
    FALSE = "false"

    @property
    def label(self) -> str:
        return {"true": "true", "nuanced": "nuanced", "false": "false as stated"}[self.value]


@dataclass(frozen=True)
class Text:
    """Bilingual text. Either language may be missing in a user bank."""

    en: str | None = None
    zh: str | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, else the other language with a marker."""
        own = getattr(self, lang, None)
        if own:
            return own
        other = self.zh if lang == "en" else self.en
        return FALLBACK_MARK.get(lang, "") + (other or "")

    def has(self, lang: str) -> bool:
        return bool(getattr(self, lang, None))


@dataclass(frozen=True)
class Choice:
    text: Text
    correct: bool
    why: Text | None = None   # optional: why this choice is right or wrong


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    prompt: Text
    explanation: Text
    bank_id: str
    tags: tuple[str, ...] = ()
    difficulty: int = 3
    demo: str | None = None
    refs: tuple[str, ...] = ()
    claim: str | None = None
    # Answer fields; which ones are set depends on `type`.
    choices: tuple[Choice, ...] = ()          # single_choice, multiple_choice
    answer_bool: bool | None = None           # true_false
    answer_number: float | None = None        # numeric
    tolerance: float = 0.0                    # numeric, absolute
    unit: str | None = None                   # numeric, display only
    accept: tuple[str, ...] = ()              # short_answer; accept[0] is shown as the answer
    answer_text: Text | None = None           # flashcard (and optional model answer for short_answer)
    # Where it came from, for messages.
    source: str = ""
    line: int | None = None

    @property
    def correct_indices(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class Claim:
    id: str
    verdict: Verdict
    summary: Text
    refs: tuple[str, ...] = ()
    # Why no demo backs this claim (no honest small experiment can speak to it);
    # None when a demo does, or should.
    no_demo: Text | None = None


@dataclass(frozen=True)
class Bank:
    id: str
    title: Text
    description: Text
    questions: tuple[Question, ...]
    claims: tuple[Claim, ...] = ()
    format_version: int = 1
    source: str = ""
    builtin: bool = False


@dataclass(frozen=True)
class Library:
    """Every loaded bank, with lookups across them."""

    banks: tuple[Bank, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for b in self.banks for q in b.questions)

    def question(self, qid: str) -> Question | None:
        for b in self.banks:
            for q in b.questions:
                if q.id == qid:
                    return q
        return None

    def bank(self, bank_id: str) -> Bank | None:
        return next((b for b in self.banks if b.id == bank_id), None)

    def claim(self, claim_id: str) -> Claim | None:
        for b in self.banks:
            for c in b.claims:
                if c.id == claim_id:
                    return c
        return None
