"""Loading and validation of question banks.

Public API (stable; other modules rely on it):

    load_library(extra=(), include_builtin=True) -> Library
        Loads the built-in banks, the banks in $QUIZCLI_BANKS and `extra`
        (files or folders), validates all of them, and raises BankError with
        every problem if any is invalid.
    validate_paths(paths) -> list[Problem]
        Validates the given files/folders (together: duplicate ids across
        them are problems) and returns every problem found.
    bank_files(path) -> list[Path]
        The bank files under a path (*.yaml, *.yml; README files excluded).

NOTE: this first version is minimal (safe_load, little validation); the
bank module's full validator replaces its internals, not its API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from quizcli.errors import BankError, Problem
from quizcli.model import Bank, Choice, Claim, Library, Question, QuestionType, Text, Verdict


def bank_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def _text(raw) -> Text:
    if isinstance(raw, str):
        return Text(en=raw, zh=raw)
    return Text(en=raw.get("en"), zh=raw.get("zh"))


def _question(raw: dict, bank_id: str, source: str) -> Question:
    qtype = QuestionType(raw["type"])
    kw = {}
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        kw["choices"] = tuple(
            Choice(text=_text(c["text"]), correct=bool(c.get("correct", False)),
                   why=_text(c["why"]) if c.get("why") else None)
            for c in raw["choices"]
        )
    elif qtype is QuestionType.TRUE_FALSE:
        kw["answer_bool"] = bool(raw["answer"])
    elif qtype is QuestionType.NUMERIC:
        kw["answer_number"] = float(raw["answer"])
        kw["tolerance"] = float(raw.get("tolerance", 0))
        kw["unit"] = raw.get("unit")
    elif qtype is QuestionType.SHORT_ANSWER:
        kw["accept"] = tuple(str(a) for a in raw["accept"])
        if raw.get("answer"):
            kw["answer_text"] = _text(raw["answer"])
    elif qtype is QuestionType.FLASHCARD:
        kw["answer_text"] = _text(raw["answer"])
    return Question(
        id=raw["id"], type=qtype, prompt=_text(raw["prompt"]), explanation=_text(raw["explanation"]),
        bank_id=bank_id, tags=tuple(raw.get("tags", ())), difficulty=int(raw.get("difficulty", 3)),
        demo=raw.get("demo"), refs=tuple(raw.get("refs", ())), claim=raw.get("claim"), source=source, **kw,
    )


def _load_file(path: Path, builtin: bool) -> Bank:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    claims = tuple(
        Claim(id=c["id"], verdict=Verdict(str(c["verdict"]).lower()), summary=_text(c["summary"]),
              refs=tuple(c.get("refs", ())))
        for c in raw.get("claims", ())
    )
    return Bank(
        id=raw["id"], title=_text(raw["title"]), description=_text(raw["description"]),
        questions=tuple(_question(q, raw["id"], str(path)) for q in raw["questions"]),
        claims=claims, format_version=raw["format_version"], source=str(path), builtin=builtin,
    )


def load_library(extra: Iterable[Path] = (), include_builtin: bool = True) -> Library:
    from quizcli import paths

    sources: list[tuple[Path, bool]] = []
    if include_builtin:
        sources += [(p, True) for p in bank_files(paths.builtin_content_dir())]
    for root in [*paths.user_bank_paths(), *extra]:
        sources += [(p, False) for p in bank_files(Path(root))]
    banks = []
    problems = []
    for path, builtin in sources:
        try:
            banks.append(_load_file(path, builtin))
        except Exception as err:  # minimal loader: one problem per file
            problems.append(Problem(str(path), None, None, "", f"cannot load: {err}"))
    if problems:
        raise BankError(problems)
    return Library(banks=tuple(banks))


def validate_paths(paths_: Iterable[Path]) -> list[Problem]:
    try:
        load_library(extra=list(paths_), include_builtin=False)
    except BankError as err:
        return err.problems
    return []
