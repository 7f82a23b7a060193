"""The built-in banks cover the article: every claim, enough questions, every type."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from quizcli.bank import load_library
from quizcli.bank.article import article_path, load_article
from quizcli.model import QuestionType

ROOT = Path(__file__).resolve().parent.parent
# The source article and its claims, as data in the repository (not a bank).
ARTICLE = ROOT / "content" / "article" / "claims.yaml"
# The article's text sits beside the repository in development only; where it
# is, the quotes are checked against it word for word.
SEED = ROOT.parent / "shared" / "seed" / "000_2763d81a788ce377.txt"
BANKS = {"generalization": "gen", "bn": "bn", "in": "in", "gan": "gan",
         "hyperparameters": "hp", "spectral_norm": "sn"}


def article_claims() -> set[str]:
    return set(load_article(ARTICLE).claims)


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


def test_the_article_file_is_data_beside_the_banks_not_a_bank(library):
    """content/article/ is a subfolder: the loader reads only the *.yaml files directly in content/."""
    from quizcli.bank import validate_paths

    assert article_path() == ARTICLE and ARTICLE.is_file()
    assert len(library.banks) == len(BANKS)
    assert validate_paths([ROOT / "content"]) == []
    assert all("article" not in q.source for q in library.questions)


def test_the_article_names_itself_its_sections_and_61_claims():
    article = load_article(ARTICLE)
    assert article.title == "神经网络：深度学习优化方法"
    assert "interview" in article.what.en and "面试" in article.what.zh
    assert [s.id for s in article.sections] == ["generalization", "bn", "in", "gan", "hyperparameters",
                                                "spectral_norm"]
    assert len(article.claims) == 61
    for claim in article.claims.values():
        assert claim.id.startswith(BANKS[claim.section.id] + "_"), claim.id
        assert claim.statement and claim.quotes, claim.id


def test_every_verdict_has_the_articles_words_beside_it(library):
    """Each claim a bank records is quoted from the article, and each quote is short."""
    article = load_article(ARTICLE)
    for bank in library.banks:
        for claim in bank.claims:
            said = article.claim(claim.id)
            assert said is not None and said.section.id == bank.id, claim.id
            assert all(len(q) <= 120 for q in said.quotes), claim.id


@pytest.mark.skipif(not SEED.is_file(), reason="the article's text sits beside the repository in development only")
def test_quotes_are_copied_exactly_from_the_article():
    text = SEED.read_text(encoding="utf-8")
    article = load_article(ARTICLE)
    assert article.title.replace("：", ":") in text
    for claim in article.claims.values():
        for quote in claim.quotes:
            assert quote in text, (claim.id, quote)
        assert claim.section.title.zh in text


def test_a_malformed_article_file_is_a_clear_error(tmp_path):
    from quizcli.errors import ExitCode, QuizcliError

    bad = tmp_path / "claims.yaml"
    bad.write_text(ARTICLE.read_text(encoding="utf-8").replace("    section: bn\n", "    section: nope\n", 1),
                   encoding="utf-8")
    with pytest.raises(QuizcliError) as err:
        load_article(bad)
    assert err.value.exit_code == ExitCode.BAD_INPUT
    assert "claims[" in err.value.message and ".section" in err.value.message and str(bad) in err.value.message
    assert load_article(tmp_path / "missing.yaml") is None


def test_tags_come_from_the_documented_vocabulary(library):
    """The vocabulary is data (content/vocabulary/tags.yaml), listed in content/README.md, and every
    built-in question uses only its tags; none is used only once."""
    import re

    from quizcli.bank.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(ROOT / "content" / "vocabulary" / "tags.yaml")
    readme = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Tags", 1)[1].split("\n## ", 1)[0]
    table = section.split("| tag | what it marks | 含义 |", 1)[1]
    documented = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M)
    assert documented == list(vocabulary.tags)
    assert 20 <= len(vocabulary.tags) <= 60
    used = Counter(t for q in library.questions for t in q.tags)
    assert set(used) <= set(vocabulary.tags), sorted(set(used) - set(vocabulary.tags))
    assert min(used.values()) >= 2, [t for t, n in used.items() if n < 2]
    assert all(q.tags for q in library.questions)
