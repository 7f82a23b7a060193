"""The model: what a bank holds once it is loaded and validated.

Immutable records (NamedTuple), standard library only, no I/O. The loader
builds these from YAML; everything else (sessions, UI, export, demos) reads
them. NamedTuples rather than frozen dataclasses because a big library is
built from the cache on every start: a tuple is made in one C call, where a
dataclass instance needs a Python-level __init__ (a 10,000-question library
is about 80,000 of them: 0.13 s as dataclasses, 0.07 s as tuples).
Update one with `_replace`, as `dataclasses.replace` would.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

LANGS = ("en", "zh")
FALLBACK_MARK = {"en": "[zh] ", "zh": "[en] "}  # shown before text in the other language


class QuestionType(str, Enum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"
    SHORT_ANSWER = "short_answer"
    FLASHCARD = "flashcard"
    # -- code exercises (#18): graded by running code, see quizcli/exercise/
    CODE = "code"
    # -- open interview questions (#17) --
    OPEN = "open"

    @property
    def self_graded(self) -> bool:
        """Shown, then graded by the user (quiz and review): no typed answer to check."""
        return self in _SELF_GRADED


_SELF_GRADED = frozenset({QuestionType.FLASHCARD, QuestionType.OPEN})


class Verdict(str, Enum):
    """What the literature (and our demos) say of a claim of the article."""

    TRUE = "true"
    NUANCED = "nuanced"
    FALSE = "false"

    @property
    def label(self) -> str:
        return {"true": "true", "nuanced": "nuanced", "false": "false as stated"}[self.value]


class Text(NamedTuple):
    """Bilingual text. Either language may be missing in a user bank."""

    en: str | None = None
    zh: str | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, else the other language with a marker."""
        own = self.zh if lang == "zh" else self.en if lang == "en" else None
        if own:
            return own
        other = self.zh if lang == "en" else self.en
        return FALLBACK_MARK.get(lang, "") + (other or "")

    def has(self, lang: str) -> bool:
        return bool(self.zh if lang == "zh" else self.en if lang == "en" else None)


class Choice(NamedTuple):
    text: Text
    correct: bool
    why: Text | None = None   # optional: why this choice is right or wrong


# -- open interview questions (#17) ---------------------------------------------


class Phrases(NamedTuple):
    """Matcher phrases per language (syntax: content/README.md, quizcli.matching)."""

    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return self.en + self.zh


class KeyPoint(NamedTuple):
    """One thing a good answer to an open question says."""

    id: str
    text: Text
    phrases: Phrases
    avoid: Phrases = Phrases()


class FollowUp(NamedTuple):
    """Another open question to ask next; `when` ties it to a key point of this one."""

    id: str
    when: str | None = None      # "missed" | "covered" | None (always a candidate)
    point: str | None = None     # a key point id of this question, given with `when`


class Question(NamedTuple):
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
    answer_text: Text | None = None           # flashcard, open (the model answer); optional for short_answer
    # -- code exercises (#18)
    exercise: str | None = None               # code: the folder demos/exercises/<exercise>/
    hints: tuple[Text, ...] = ()              # code: shown one at a time, each more specific
    # Where it came from, for messages.
    source: str = ""
    line: int | None = None
    unordered: bool = False                   # short_answer: the answer is a set, its items in any order
    # -- open interview questions (#17) --
    key_points: tuple[KeyPoint, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()

    @property
    def correct_indices(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)

    def full(self) -> Question:
        """Itself. Sessions hold questions or the bank index's light entries
        (quizcli.bank.index.QuestionInfo) and call `full()` on the ones they ask."""
        return self

    @property
    def display_order(self) -> tuple[int, ...]:
        """The order `show` and the exports list the choices in (see `stable_choice_order`)."""
        return stable_choice_order(self.id, len(self.choices))


def stable_choice_order(question_id: str, n: int) -> tuple[int, ...]:
    """A fixed shuffle of n choices, seeded by the question id alone.

    The same on every run, machine and Python version (a SHA-256 of the id
    seeds it), so an exported deck lists a question's choices the same way
    each time and re-imported Anki notes keep their cards; and it does not
    depend on which other questions are exported. A quiz shuffles apart from
    this, by its own seed.
    """
    import hashlib
    import random

    order = list(range(n))
    seed = int.from_bytes(hashlib.sha256(f"quizcli-choices:{question_id}".encode()).digest()[:8], "big")
    random.Random(seed).shuffle(order)
    return tuple(order)


class Claim(NamedTuple):
    id: str
    verdict: Verdict
    summary: Text
    refs: tuple[str, ...] = ()
    # Why no demo backs this claim (no honest small experiment can speak to it);
    # None when a demo does, or should.
    no_demo: Text | None = None


class Bank(NamedTuple):
    id: str
    title: Text
    description: Text
    questions: tuple[Question, ...]
    claims: tuple[Claim, ...] = ()
    format_version: int = 1
    source: str = ""
    builtin: bool = False


class Library(NamedTuple):
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
