"""The source article of the built-in banks and its claims (content/article/claims.yaml).

Plain data beside the banks, in a subfolder the bank loader never reads (a
folder of banks means only the *.yaml files directly in it). `show` and
`explain` quote what the article said of a question's claim beside the
literature's verdict. Read on demand only (those two commands), never on a
quiz's start-up path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from quizcli.model import Text

ARTICLE_FILE = Path("article") / "claims.yaml"
ELLIPSIS = " … "


class Section(NamedTuple):
    id: str
    number: int
    title: Text


class ArticleClaim(NamedTuple):
    id: str
    section: Section
    statement: str                  # in English, one line
    quotes: tuple[str, ...]         # the article's own words, copied exactly (Chinese)
    implicit: str | None = None     # why a claim the article only implies is listed

    @property
    def quote(self) -> str:
        return ELLIPSIS.join(self.quotes)


class Article(NamedTuple):
    title: str
    what: Text
    sections: tuple[Section, ...]
    claims: dict[str, ArticleClaim]

    def claim(self, claim_id: str) -> ArticleClaim | None:
        return self.claims.get(claim_id)


def article_path() -> Path:
    from quizcli import paths

    return paths.builtin_content_dir() / ARTICLE_FILE


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("en", "zh")):
        raise ValueError(f"{where}: expected {{en: ..., zh: ...}}")
    return Text(value["en"], value["zh"])


def parse_article(data: Any) -> Article:
    """Build the record from the parsed YAML; ValueError names the field that is wrong."""
    if not isinstance(data, dict) or data.get("format_version") != 1:
        raise ValueError("format_version: expected 1")
    if not isinstance(data.get("title"), str):
        raise ValueError("title: expected a string")
    sections: dict[str, Section] = {}
    for i, s in enumerate(data.get("sections") or []):
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not isinstance(s.get("number"), int):
            raise ValueError(f"sections[{i}]: expected id, number and title")
        sections[s["id"]] = Section(s["id"], s["number"], _text(s.get("title"), f"sections[{i}].title"))
    claims: dict[str, ArticleClaim] = {}
    for i, c in enumerate(data.get("claims") or []):
        where = f"claims[{i}]"
        if not isinstance(c, dict) or not isinstance(c.get("id"), str):
            raise ValueError(f"{where}.id: expected a string")
        if c["id"] in claims:
            raise ValueError(f"{where}.id: `{c['id']}` is listed twice")
        if c.get("section") not in sections:
            raise ValueError(f"{where}.section: expected one of {', '.join(sections)}")
        quotes = c.get("quotes")
        if not isinstance(quotes, list) or not quotes or not all(isinstance(q, str) and q for q in quotes):
            raise ValueError(f"{where}.quotes: expected a non-empty list of strings")
        if not isinstance(c.get("statement"), str):
            raise ValueError(f"{where}.statement: expected a string")
        implicit = c.get("implicit")
        if implicit is not None and not isinstance(implicit, str):
            raise ValueError(f"{where}.implicit: expected a string")
        claims[c["id"]] = ArticleClaim(c["id"], sections[c["section"]], c["statement"], tuple(quotes), implicit)
    return Article(data["title"], _text(data.get("what"), "what"), tuple(sections.values()), claims)


def load_article(path: Path | None = None) -> Article | None:
    """The article, or None when the built-in content has no article file (a custom QUIZCLI_CONTENT).

    A file that is there but malformed is an error with exit status 3 naming the file and field.
    """
    from quizcli.bank import yamlio

    path = path or article_path()
    return yamlio.load_data_file(path, parse_article, "see content/README.md, \"The source article and its claims\"")
