"""The checks of bank format v1 on one file's plain data (see content/README.md).

`check_bank` never raises for bad data: it returns every issue it finds, each
with the field path it belongs to, and the bank in a normalized, plain form
(tuples, dicts, strings and numbers only) that the loader caches and turns
into model objects. Checks that need other banks (duplicate ids, claims,
demos) are in `quizcli.bank.library`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

# Shared with the open questions' checks (#17), which live in their own module.
from quizcli.bank.checkkit import LANGS, QUESTION_ID, Path_, Spec, _filled, closest, kind, suggest
from quizcli.bank.open_checks import (FOLLOW_UP_KEYS, FOLLOW_UP_SPEC, FOLLOW_UP_WHEN, KEY_POINT_ID,  # noqa: F401
                                      KEY_POINT_KEYS, KEY_POINT_SPEC, KEY_POINTS_BUILTIN, KEY_POINTS_USER,
                                      open_question)
from quizcli.bank.validate_code import EXERCISE_NAME, MAX_HINTS, MIN_HINTS, check_code  # noqa: F401  (#18)

FORMAT_VERSION = 1

BANK_ID = re.compile(r"[a-z][a-z0-9_]*")
CLAIM_ID = re.compile(r"[a-z][a-z0-9_]*")
TAG = re.compile(r"[^\sA-Z]+")   # lower case, no spaces (any script)
TAGS = re.compile(r"[^\sA-Z]+(?:\n[^\sA-Z]+)*")   # the same, for all tags of a question at once

TYPES = ("single_choice", "multiple_choice", "true_false", "numeric", "short_answer", "flashcard",
         "open",   # #17
         "code")   # code exercises (#18)
VERDICTS = ("true", "nuanced", "false")
MIN_CHOICES, MAX_CHOICES = 2, 8

TOP_KEYS = {"format_version": True, "id": True, "title": True, "description": True, "lang": False,
            "claims": False, "questions": True}          # key -> required
CLAIM_KEYS = {"id": True, "verdict": True, "summary": True, "refs": False, "no_demo": False}
COMMON_KEYS = {"id": True, "type": True, "prompt": True, "explanation": True, "tags": True,
               "difficulty": True, "demo": False, "refs": False, "claim": False}
ANSWER_KEYS = {                                           # type -> {key: required}
    "single_choice": {"choices": True},
    "multiple_choice": {"choices": True},
    "true_false": {"answer": True},
    "numeric": {"answer": True, "tolerance": False, "unit": False},
    "short_answer": {"accept": True, "answer": False, "unordered": False},
    "flashcard": {"answer": True},
    "open": {"answer": True, "key_points": True, "follow_ups": False},      # #17
    # -- code exercises (#18)
    "code": {"exercise": True, "hints": True},
}
ALL_ANSWER_KEYS = sorted({k for keys in ANSWER_KEYS.values() for k in keys})
CHOICE_KEYS = {"text": True, "correct": False, "why": False}

@dataclass
class Issue:
    path: Path_
    message: str
    hint: str
    at_key: bool = False       # point at the key (unknown keys) rather than the value


@dataclass
class Checked:
    bank: dict[str, Any] | None                 # normalized; None when the top level is unusable
    issues: list[Issue] = field(default_factory=list)


# Per question type: its keys, and the answer keys that belong to other types.
QUESTION_SPECS = {t: Spec({**COMMON_KEYS, **ANSWER_KEYS[t]}) for t in TYPES}
OTHER_TYPES_KEYS = {t: {k: f"{t} questions" for k in ALL_ANSWER_KEYS if k not in ANSWER_KEYS[t]} for t in TYPES}
ANY_QUESTION_SPEC = Spec({**COMMON_KEYS, **{k: False for k in ALL_ANSWER_KEYS}})
TOP_SPEC, CLAIM_SPEC, CHOICE_SPEC = Spec(TOP_KEYS), Spec(CLAIM_KEYS), Spec(CHOICE_KEYS)


def path_str(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Checker:
    def __init__(self, builtin: bool):
        self.builtin = builtin
        self.issues: list[Issue] = []

    def issue(self, path: Path_, message: str, hint: str, at_key: bool = False) -> None:
        self.issues.append(Issue(path, message, hint, at_key))

    # -- shapes --------------------------------------------------------------------

    def keys(self, raw: dict, path: Path_, spec: Spec, what: str,
             elsewhere: dict[str, str] | None = None) -> None:
        """Required keys present, unknown keys reported with a suggestion."""
        if raw.keys() <= spec.keys() and spec.required <= raw.keys():
            return   # the common case, checked at C speed
        for key in raw:
            if not isinstance(key, str):
                self.issue(path, f"{kind(key)} is not a valid key in {what}",
                           "keys are words such as `id`; check the indentation", at_key=True)
            elif key not in spec:
                if elsewhere and key in elsewhere:
                    self.issue(path + (key,), f"`{key}` is not used by {elsewhere[key]}",
                               "remove it, or change `type` to the type that uses it", at_key=True)
                else:
                    self.issue(path + (key,), f"unknown key `{key}` in {what}", suggest(key, list(spec)),
                               at_key=True)
        for key, required in spec.items():
            if required and key not in raw:
                self.issue(path, f"{what} has no `{key}`", f"add `{key}:`; the format is in content/README.md")

    def mapping(self, raw: Any, path: Path_, what: str) -> dict | None:
        if isinstance(raw, dict):
            return raw
        self.issue(path, f"{what} must be a mapping of `key: value` lines, not {kind(raw)}",
                   "indent its fields under it as `key: value` lines")
        return None

    def text(self, raw: Any, path: Path_, what: str) -> tuple[str | None, str | None] | None:
        """Bilingual text -> (en, zh); a plain string counts as both in a user bank."""
        if type(raw) is dict and len(raw) == 2:   # the common case, inlined for speed
            en, zh = raw.get("en"), raw.get("zh")
            if type(en) is str and type(zh) is str and en and zh and not en.isspace() and not zh.isspace():
                return en, zh
        if isinstance(raw, str):
            if not raw.strip():
                self.issue(path, f"{what} is empty", "write the text")
                return None
            if self.builtin:
                self.issue(path, f"{what} must give both languages in a built-in bank",
                           "write it as `{en: ..., zh: ...}`")
                return None
            return raw, raw
        if not isinstance(raw, dict):
            hint = ("put the text in quotes" if isinstance(raw, (bool, int, float))
                    else "write it as `{en: ..., zh: ...}`")
            self.issue(path, f"{what} must be text, not {kind(raw)}", hint)
            return None
        out: dict[str, str | None] = {"en": None, "zh": None}
        ok = True
        for key, value in raw.items():
            if key not in LANGS:
                self.issue(path + (key,) if isinstance(key, str) else path,
                           f"unknown language `{key}` in {what}" if isinstance(key, str)
                           else f"{kind(key)} is not a language in {what}",
                           suggest(key, LANGS) if isinstance(key, str) else "use `en` and `zh`", at_key=True)
                ok = False
            elif not isinstance(value, str):
                hint = "put the text in quotes" if isinstance(value, (bool, int, float)) else "write the text"
                self.issue(path + (key,), f"{what} in `{key}` must be text, not {kind(value)}", hint)
                ok = False
            elif not value.strip():
                self.issue(path + (key,), f"{what} in `{key}` is empty", "write the text, or remove the key")
                ok = False
            else:
                out[key] = value
        if not ok:
            return None
        missing = [lang for lang in LANGS if out[lang] is None]
        if len(missing) == 2:
            self.issue(path, f"{what} has no text", "give `en:` and `zh:`")
            return None
        if missing and self.builtin:
            self.issue(path, f"{what} has no `{missing[0]}` translation; built-in banks need both en and zh",
                       f"add `{missing[0]}: ...`")
            return None
        return out["en"], out["zh"]

    def string(self, raw: Any, path: Path_, what: str, pattern: re.Pattern | None = None,
               rule: str = "") -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            hint = "put it in quotes" if isinstance(raw, (bool, int, float)) else "write it as text"
            self.issue(path, f"{what} must be non-empty text, not {kind(raw)}", hint)
            return None
        if pattern is not None and not pattern.fullmatch(raw):
            self.issue(path, f"{what} `{raw}` does not match {rule}",
                       "use lower-case letters, digits and the characters allowed there")
            return None
        return raw

    def strings(self, raw: Any, path: Path_, what: str, allow_empty: bool = True) -> tuple[str, ...] | None:
        if not isinstance(raw, list):
            self.issue(path, f"{what} must be a list, not {kind(raw)}",
                       "write it as `[a, b]` or as `- a` lines; `[]` for none")
            return None
        if not raw and not allow_empty:
            self.issue(path, f"{what} is empty", "give at least one")
            return None
        for item in raw:   # the common case first: all filled text
            if type(item) is not str or not item or item.isspace():
                break
        else:
            return tuple(raw)
        out = []
        for i, item in enumerate(raw):
            if _filled(item):
                out.append(item)
            else:
                hint = "put it in quotes" if isinstance(item, (bool, int, float)) else "write it as text"
                self.issue(path + (i,), f"{what} must hold text, not {kind(item)}", hint)
        return tuple(out) if len(out) == len(raw) else None

    def number(self, raw: Any, path: Path_, what: str) -> float | None:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            hint = ("remove the quotes" if isinstance(raw, str) and _looks_numeric(raw)
                    else "write a number such as 128 or 0.5")
            self.issue(path, f"{what} must be a number, not {kind(raw)}", hint)
            return None
        try:
            value = float(raw)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            self.issue(path, f"{what} must be a finite number, not {kind(raw)}", "write a finite number")
            return None
        return value

    # -- the bank ------------------------------------------------------------------

    def bank(self, raw: Any) -> dict | None:
        if raw is None:
            self.issue((), "the file is empty",
                       "a bank needs format_version, id, title, description and questions; "
                       "start from `quizcli bank new NAME`")
            return None
        if not isinstance(raw, dict):
            self.issue((), f"a bank must be a mapping at the top level, not {kind(raw)}",
                       "start with `format_version: 1` and `id: ...` lines (see content/README.md)")
            return None
        self.keys(raw, (), TOP_SPEC, "the bank")
        version = raw.get("format_version")
        if "format_version" in raw and (version != FORMAT_VERSION or isinstance(version, bool)):
            self.issue(("format_version",), f"format_version {kind(version)} is not supported",
                       f"this quizcli reads format_version {FORMAT_VERSION}; write `format_version: 1`")
        bank_id = self.string(raw["id"], ("id",), "the bank id", BANK_ID, "[a-z][a-z0-9_]*") if "id" in raw else None
        title = self.text(raw["title"], ("title",), "the title") if "title" in raw else None
        bank_lang = raw.get("lang")
        if bank_lang is not None and bank_lang not in LANGS:
            self.issue(("lang",), f"lang must be en or zh, not {kind(bank_lang)}",
                       "write `lang: zh` (or en) for a bank written in one language, or leave it out")
            bank_lang = None
        description = (self.text(raw["description"], ("description",), "the description")
                       if "description" in raw else None)
        claims = []
        if "claims" in raw:
            items = raw["claims"]
            if not isinstance(items, list):
                self.issue(("claims",), f"claims must be a list, not {kind(items)}",
                           "write each claim as a `- id: ...` item")
            else:
                for i, item in enumerate(items):
                    claim = self.claim(item, ("claims", i))
                    if claim is not None:
                        claims.append(claim)
        questions = []
        if "questions" in raw:
            items = raw["questions"]
            if not isinstance(items, list):
                self.issue(("questions",), f"questions must be a list, not {kind(items)}",
                           "write each question as a `- id: ...` item")
            elif not items:
                self.issue(("questions",), "the bank has no questions", "add at least one question")
            else:
                for i, item in enumerate(items):
                    questions.append(self.question(item, ("questions", i)))
        return {
            "id": bank_id, "title": title, "description": description, "format_version": FORMAT_VERSION,
            "lang": bank_lang, "claims": claims, "questions": questions,
        }

    def claim(self, raw: Any, path: Path_) -> dict | None:
        raw = self.mapping(raw, path, "a claim")
        if raw is None:
            return None
        self.keys(raw, path, CLAIM_SPEC, "a claim")
        cid = self.string(raw["id"], path + ("id",), "the claim id", CLAIM_ID, "[a-z][a-z0-9_]*") if "id" in raw else None
        verdict = None
        if "verdict" in raw:
            value = raw["verdict"]
            if isinstance(value, bool):          # unquoted true/false
                verdict = "true" if value else "false"
            elif isinstance(value, str) and value.strip().lower() in VERDICTS:
                verdict = value.strip().lower()
            else:
                self.issue(path + ("verdict",), f"the verdict must be \"true\", nuanced or \"false\", not {kind(value)}",
                           'write `verdict: "true"`, `verdict: nuanced` or `verdict: "false"` (false as stated)')
        summary = self.text(raw["summary"], path + ("summary",), "the claim's summary") if "summary" in raw else None
        refs = self.strings(raw["refs"], path + ("refs",), "refs") if "refs" in raw else ()
        no_demo = None
        if "no_demo" in raw:
            no_demo = self.text(raw["no_demo"], path + ("no_demo",), "the claim's `no_demo` reason")
            if no_demo is None:
                return None
        if cid is None or verdict is None or summary is None or refs is None:
            return None
        return {"id": cid, "verdict": verdict, "summary": summary, "refs": refs, "no_demo": no_demo,
                "index": path[-1]}

    def question(self, raw: Any, path: Path_) -> dict | None:
        raw = self.mapping(raw, path, "a question")
        if raw is None:
            return None
        qtype = raw.get("type")
        known_type = isinstance(qtype, str) and qtype in ANSWER_KEYS
        if known_type:
            self.keys(raw, path, QUESTION_SPECS[qtype], f"a {qtype} question", OTHER_TYPES_KEYS[qtype])
        else:
            # Without a valid type we cannot tell which answer keys belong.
            self.keys(raw, path, ANY_QUESTION_SPEC, "a question")
            if "type" in raw:
                close = closest(qtype, TYPES) if isinstance(qtype, str) else None
                self.issue(path + ("type",), f"unknown question type {kind(qtype)}",
                           (f"did you mean `{close}`? " if close else "") + f"the types are {', '.join(TYPES)}")
        q: dict[str, Any] = {"type": qtype if known_type else None, "index": path[-1]}
        q["id"] = (self.string(raw["id"], path + ("id",), "the question id", QUESTION_ID, "[a-z0-9][a-z0-9_.-]*")
                   if "id" in raw else None)
        q["prompt"] = self.text(raw["prompt"], path + ("prompt",), "the prompt") if "prompt" in raw else None
        q["explanation"] = (self.text(raw["explanation"], path + ("explanation",), "the explanation")
                            if "explanation" in raw else None)
        tags = self.strings(raw["tags"], path + ("tags",), "tags") if "tags" in raw else None
        if tags and not TAGS.fullmatch("\n".join(tags)):
            for i, tag in enumerate(tags):
                if not TAG.fullmatch(tag):
                    self.issue(path + ("tags", i), f"the tag {tag!r} must be lower case without spaces",
                               f"write `{tag.lower().replace(' ', '-')}`")
                    tags = None
                    break
        q["tags"] = tags
        q["difficulty"] = None
        if "difficulty" in raw:
            d = raw["difficulty"]
            if isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 5:
                q["difficulty"] = d
            else:
                self.issue(path + ("difficulty",), f"difficulty must be a whole number from 1 to 5, not {kind(d)}",
                           "1 is a warm-up, 5 the hardest interview follow-up")
        q["demo"] = self.string(raw["demo"], path + ("demo",), "the demo id") if "demo" in raw else None
        q["refs"] = self.strings(raw["refs"], path + ("refs",), "refs") if "refs" in raw else ()
        q["claim"] = self.string(raw["claim"], path + ("claim",), "the claim id") if "claim" in raw else None
        if known_type:
            self.answer(raw, path, qtype, q)
        return q

    def answer(self, raw: dict, path: Path_, qtype: str, q: dict) -> None:
        q.update(choices=(), answer_bool=None, answer_number=None, tolerance=0.0, unit=None, accept=(),
                 answer_text=None, unordered=False, key_points=(), follow_ups=())
        if qtype in ("single_choice", "multiple_choice"):
            if "choices" in raw:
                q["choices"] = self.choices(raw["choices"], path + ("choices",), qtype)
        elif qtype == "true_false":
            if "answer" in raw:
                value = raw["answer"]
                if isinstance(value, bool):
                    q["answer_bool"] = value
                else:
                    self.issue(path + ("answer",), f"the answer of a true_false question must be true or false, not {kind(value)}",
                               "write `answer: true` or `answer: false`, without quotes")
        elif qtype == "numeric":
            if "answer" in raw:
                q["answer_number"] = self.number(raw["answer"], path + ("answer",), "the answer")
            if "tolerance" in raw:
                tol = self.number(raw["tolerance"], path + ("tolerance",), "the tolerance")
                if tol is not None and tol < 0:
                    self.issue(path + ("tolerance",), f"the tolerance must not be negative, not {tol:g}",
                               "give the absolute tolerance as 0 or more")
                    tol = None
                q["tolerance"] = tol
            if "unit" in raw:
                q["unit"] = self.string(raw["unit"], path + ("unit",), "the unit")
        elif qtype == "short_answer":
            if "accept" in raw:
                q["accept"] = self.strings(raw["accept"], path + ("accept",), "accept", allow_empty=False)
            if "answer" in raw:
                q["answer_text"] = self.text(raw["answer"], path + ("answer",), "the answer")
            if "unordered" in raw:
                if isinstance(raw["unordered"], bool):
                    q["unordered"] = raw["unordered"]
                else:
                    self.issue(path + ("unordered",),
                               f"unordered must be true or false, not {kind(raw['unordered'])}",
                               "write `unordered: true` (without quotes) when the answer is a set whose "
                               "items may come in any order, such as axes")
        elif qtype == "flashcard":
            if "answer" in raw:
                q["answer_text"] = self.text(raw["answer"], path + ("answer",), "the answer")
        elif qtype == "open":
            open_question(self, raw, path, q)
        elif qtype == "code":          # code exercises (#18): quizcli/bank/validate_code.py
            check_code(self, raw, path, q, kind)

    def choices(self, raw: Any, path: Path_, qtype: str) -> tuple | None:
        if not isinstance(raw, list):
            self.issue(path, f"choices must be a list, not {kind(raw)}", "write each choice as a `- text: ...` item")
            return None
        if not MIN_CHOICES <= len(raw) <= MAX_CHOICES:
            self.issue(path, f"a {qtype} question needs {MIN_CHOICES} to {MAX_CHOICES} choices, not {len(raw)}",
                       "add or remove choices")
        out = []
        ok = True          # every choice usable
        n_correct = 0
        for i, item in enumerate(raw):
            if type(item) is not dict:
                self.mapping(item, path + (i,), "a choice")
                ok = False
                continue
            if not (item.keys() <= CHOICE_SPEC.keys() and "text" in item):
                self.keys(item, path + (i,), CHOICE_SPEC, "a choice")
            text = self.text(item["text"], path + (i, "text"), "the choice's text") if "text" in item else None
            correct = item.get("correct", False)
            if correct is True:
                n_correct += 1
            elif correct is not False:
                self.issue(path + (i, "correct"), f"`correct` must be true or false, not {kind(correct)}",
                           "write `correct: true`, without quotes, or leave it out for a wrong choice")
                ok = False
            why = None
            if "why" in item:
                why = self.text(item["why"], path + (i, "why"), "the choice's `why`")
                ok = ok and why is not None
            ok = ok and text is not None
            out.append((text, correct, why))
        if len(out) == len(raw) and ok:
            if qtype == "single_choice" and n_correct != 1:
                self.issue(path, f"a single_choice question needs exactly one correct choice, found {n_correct}",
                           "mark the one right choice with `correct: true`"
                           + ("" if n_correct == 0 else ", or make it a multiple_choice question"))
            elif qtype == "multiple_choice" and n_correct == 0:
                self.issue(path, "a multiple_choice question needs at least one correct choice, found none",
                           "mark each right choice with `correct: true`")
        return tuple(out) if ok else None


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def check_bank(data: Any, builtin: bool) -> Checked:
    checker = _Checker(builtin)
    bank = checker.bank(data)
    return Checked(bank, checker.issues)
