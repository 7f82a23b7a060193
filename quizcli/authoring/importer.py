"""Import questions into a new bank: CSV/TSV (as Anki exports plain text),
Markdown `Q:` / `A:` cards, and quizcli's own JSON export.

CSV, TSV and Markdown cards become flashcards in one language (`lang`);
their ids are the bank id and a number, stable once written (progress is
keyed by them). JSON is bank format v1 already and comes back unchanged.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizcli.errors import ExitCode, QuizcliError

_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]*>")
_HEADER_NAMES = {"question": ("question", "front", "q", "prompt"), "answer": ("answer", "back", "a"),
                 "tags": ("tags", "tag"), "explanation": ("explanation", "notes", "extra")}


@dataclass
class Imported:
    banks: list[dict[str, Any]]              # bank format v1 as data
    skipped: list[str] = field(default_factory=list)   # "line 7: no answer"


def _bad(message: str, hint: str) -> QuizcliError:
    return QuizcliError(message, hint=hint, exit_code=ExitCode.BAD_INPUT)


def _plain(text: str) -> str:
    """Anki fields are HTML: keep the text, line breaks included."""
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(r"</(div|p)>", "\n", text, flags=re.I)
    text = _TAG_RE.sub("", text)
    return html.unescape(text).replace("\xa0", " ").strip()


def _tags(raw: str) -> list[str]:
    out = []
    for tag in re.split(r"[\s,]+", raw.strip()):
        tag = re.sub(r"[^\w.+-]+", "-", tag.lower()).strip("-")
        if tag and tag not in out:
            out.append(tag)
    return out


class _Builder:
    def __init__(self, bank_id: str, title: str, lang: str, source: str):
        self.bank_id, self.lang, self.source = bank_id, lang, source
        self.title = title
        self.questions: list[dict[str, Any]] = []
        self.skipped: list[str] = []

    def card(self, where: str, question: str, answer: str, tags: str = "", explanation: str = "") -> None:
        question, answer, explanation = _plain(question), _plain(answer), _plain(explanation)
        if not question:
            self.skipped.append(f"{where}: no question")
            return
        if not answer:
            self.skipped.append(f"{where}: no answer")
            return
        if not explanation:        # in the cards' language; `quizcli bank lint` points each one out
            explanation = (f"（无解析：导入自 {self.source}。）" if self.lang == "zh"
                           else f"(No explanation: imported from {self.source}, {where}.)")
        lang = self.lang
        self.questions.append({
            "id": f"{self.bank_id.replace('_', '-')}-{len(self.questions) + 1:03d}",
            "type": "flashcard",
            "prompt": {lang: question},
            "answer": {lang: answer},
            "explanation": {lang: explanation},
            "tags": _tags(tags),
            "difficulty": 3,
        })

    def bank(self) -> dict[str, Any]:
        if not self.questions:
            raise _bad(f"found no cards in {self.source}",
                       "CSV/TSV: a question column and an answer column; Markdown: `Q:` and `A:` lines")
        description = f"导入自 {self.source}。" if self.lang == "zh" else f"Imported from {self.source}."
        return {"format_version": 1, "id": self.bank_id, "title": {self.lang: self.title or self._title()},
                "description": {self.lang: description}, "lang": self.lang, "questions": self.questions}

    def _title(self) -> str:
        """A title from the cards themselves: their most common tag, else the first question."""
        from collections import Counter

        tags = Counter(t for q in self.questions for t in q["tags"])
        if tags:
            tag = tags.most_common(1)[0][0]
            return f"{tag} 卡片" if self.lang == "zh" else f"{tag} cards"
        first = self.questions[0]["prompt"][self.lang]
        return first if len(first) <= 60 else first[:59] + "…"


def _read_delimited(text: str, delimiter: str, b: _Builder) -> None:
    columns = {"question": 0, "answer": 1, "tags": 2, "explanation": None}
    lines = text.splitlines()
    # Anki's plain-text export starts with `#key:value` lines.
    body_start = 0
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        key = key.strip().lower()
        if key == "separator":
            delimiter = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|"}.get(
                value.strip().lower(), delimiter)
        elif key == "tags column" and value.strip().isdigit():
            columns["tags"] = int(value) - 1
        body_start = i + 1
    rows = list(csv.reader(io.StringIO("\n".join(lines[body_start:])), delimiter=delimiter))
    if rows:
        header = [cell.strip().lower() for cell in rows[0]]
        named = {key: next((header.index(n) for n in names if n in header), None) for key, names in _HEADER_NAMES.items()}
        if named["question"] is not None and named["answer"] is not None:
            columns = named
            rows = rows[1:]
            body_start += 1
    for n, row in enumerate(rows, start=body_start + 1):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str) -> str:
            i = columns[key]
            return row[i] if i is not None and i < len(row) else ""

        b.card(f"line {n}", cell("question"), cell("answer"), cell("tags"), cell("explanation"))


_MD_FIELD = re.compile(r"^\s*(Q|A|Tags|E|Explanation)\s*[:：]\s?(.*)$", re.I)


def _read_markdown(text: str, b: _Builder) -> None:
    card: dict[str, list[str]] = {}
    current: str | None = None
    start = 0

    def flush() -> None:
        if card:
            b.card(f"line {start}", "\n".join(card.get("q", [])), "\n".join(card.get("a", [])),
                   " ".join(card.get("tags", [])), "\n".join(card.get("e", [])))

    for n, line in enumerate(text.splitlines(), start=1):
        m = _MD_FIELD.match(line)
        if m:
            key = m.group(1).lower()
            key = "e" if key == "explanation" else key
            if key == "q":
                flush()
                card, start = {}, n
            if not card and key != "q":
                continue   # text before the first Q: is not a card
            card.setdefault(key, []).append(m.group(2).strip())
            current = key
        elif line.lstrip().startswith("#") or not card:
            current = None if line.lstrip().startswith("#") else current
        elif current is not None:
            card[current].append(line.rstrip())
    flush()


def import_file(path: Path, bank_id: str, title: str | None, lang: str = "en") -> Imported:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise QuizcliError(f"no such file: {path}", hint="check the path", exit_code=ExitCode.NOT_FOUND) from None
    except OSError as err:
        raise _bad(f"cannot read {path}: {err.strerror or err}", "check the path and its permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(f"{path} is not UTF-8 text", "save it as UTF-8 (Anki's export is UTF-8)") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as err:
            raise _bad(f"{path} is not valid JSON: {err}", "import a file written by `quizcli export --format json`") from None
        banks = data.get("banks") if isinstance(data, dict) and "banks" in data else [data]
        if not isinstance(banks, list) or not all(isinstance(b, dict) for b in banks):
            raise _bad(f"{path} is not a quizcli JSON export", "import a file written by `quizcli export --format json`")
        return Imported(banks=banks)
    b = _Builder(bank_id, title, lang, path.name)
    if suffix in (".md", ".markdown"):
        _read_markdown(text, b)
    elif suffix in (".csv", ".tsv", ".txt"):
        delimiter = "," if suffix == ".csv" else "\t"
        _read_delimited(text, delimiter, b)
    else:
        raise _bad(f"cannot tell the format of {path.name}",
                   "use .csv, .tsv or .txt (Anki plain text), .md (Q:/A: cards) or .json (quizcli export)")
    return Imported(banks=[b.bank()], skipped=b.skipped)


def bank_yaml(bank: dict[str, Any], source: str) -> str:
    import yaml

    from quizcli.bank.yamlio import resolve_plain

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        # PyYAML quotes what YAML 1.1 would misread; banks are read as YAML
        # 1.2, where `1e3` or `0o17` unquoted are numbers: quote those too.
        style = '"' if resolve_plain(value) is not value else None
        lines = value.split("\n")
        if not all(line.isprintable() for line in lines):
            style = '"'   # controls and odd line breaks (U+0085, U+2028) only survive as escapes
        elif len(lines) > 1 and style is None and value == value.strip() and \
                all(line == line.rstrip() for line in lines):
            style = "|"   # readable multi-line text
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    header = (f"# Imported by `quizcli import` from {source}.\n"
              "# Check it with `quizcli bank validate` and `quizcli bank lint`; the format is in content/README.md.\n")
    return header + yaml.dump(bank, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)
