"""The built-in banks cover the article: every claim, enough questions, every type."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from quizcli.bank import load_library
from quizcli.model import QuestionType

ROOT = Path(__file__).resolve().parent.parent
# The claims of the source article live in shared/, beside the repository
# (as laid out for developers and CI).
CLAIMS_MD = ROOT.parent / "shared" / "claims.md"
BANKS = {"generalization": "gen", "bn": "bn", "in": "in", "gan": "gan",
         "hyperparameters": "hp", "spectral_norm": "sn"}


def article_claims() -> set[str]:
    if not CLAIMS_MD.is_file():
        pytest.skip(f"{CLAIMS_MD} is not here (it sits beside the repository in development and CI)")
    return set(re.findall(r"^- ([a-z]+_[a-z0-9_]+):", CLAIMS_MD.read_text(encoding="utf-8"), flags=re.M))


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_one_bank_per_section(library):
    assert {b.id for b in library.banks} == set(BANKS)


def test_every_claim_is_recorded_once_and_tested_by_a_question(library):
    claims = article_claims()
    assert len(claims) >= 60
    recorded = Counter(c.id for b in library.banks for c in b.claims)
    assert set(recorded) == claims, (sorted(claims - set(recorded)), sorted(set(recorded) - claims))
    assert all(n == 1 for n in recorded.values())
    tested = Counter(q.claim for q in library.questions if q.claim)
    assert claims <= set(tested), sorted(claims - set(tested))
    # A claim is recorded in the bank of its own section.
    for bank in library.banks:
        assert all(c.id.startswith(BANKS[bank.id] + "_") for c in bank.claims), bank.id


def test_sizes_and_types(library):
    assert len(library.questions) >= 150
    for bank in library.banks:
        types = Counter(q.type for q in bank.questions)
        assert len(bank.questions) >= 15, bank.id
        assert types[QuestionType.SINGLE_CHOICE] <= 0.4 * len(bank.questions), bank.id
        assert types[QuestionType.NUMERIC] + types[QuestionType.SHORT_ANSWER] > 0, bank.id
        assert len(types) >= 5, (bank.id, types)


def test_every_text_is_bilingual(library):
    for q in library.questions:
        for text in (q.prompt, q.explanation, *(c.text for c in q.choices)):
            assert text.has("en") and text.has("zh"), q.id
