"""A JSON Schema of bank format v1, for editors (the YAML language server).

Built from the validator's own tables (quizcli/bank/validate.py), so the two
cannot drift apart; tests/test_schema.py checks that they agree on every
fixture. The schema describes a user bank: it cannot know whether a bank is
built-in (both languages required) nor see other banks (unique ids, recorded
claims, existing demos) or the YAML itself (tags, aliases, duplicate keys);
`quizcli bank validate` checks all of that.
"""

from __future__ import annotations

from typing import Any

from quizcli.bank import validate as v

SCHEMA_ID = "https://quizcli.invalid/schema/bank-v1.json"   # a name, not a download location


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def build() -> dict[str, Any]:
    nonempty = {"type": "string", "pattern": r"\S"}
    text = {
        "description": "Bilingual text {en: ..., zh: ...}; a user bank may give one language, or a plain string.",
        "oneOf": [
            nonempty,
            {"type": "object", "properties": {lang: {"$ref": "#/$defs/nonempty"} for lang in v.LANGS},
             "additionalProperties": False, "minProperties": 1},
        ],
    }
    strings = {"type": "array", "items": {"$ref": "#/$defs/nonempty"}}
    choice = {
        "type": "object",
        "properties": {"text": {"$ref": "#/$defs/text"}, "correct": {"type": "boolean"},
                       "why": {"$ref": "#/$defs/text"}},
        "required": sorted(v.CHOICE_SPEC.required),
        "additionalProperties": False,
    }
    correct = {"type": "object", "properties": {"correct": {"const": True}}, "required": ["correct"]}
    choices = {"type": "array", "items": {"$ref": "#/$defs/choice"},
               "minItems": v.MIN_CHOICES, "maxItems": v.MAX_CHOICES}
    answers: dict[str, dict[str, Any]] = {
        "single_choice": {"choices": {**choices, "contains": correct, "minContains": 1, "maxContains": 1}},
        "multiple_choice": {"choices": {**choices, "contains": correct, "minContains": 1}},
        "true_false": {"answer": {"type": "boolean"}},
        "numeric": {"answer": {"type": "number"}, "tolerance": {"type": "number", "minimum": 0},
                    "unit": {"$ref": "#/$defs/nonempty"}},
        "short_answer": {"accept": {**strings, "minItems": 1}, "answer": {"$ref": "#/$defs/text"},
                         "unordered": {"type": "boolean", "description":
                                       "The answer is a set (axes, a list): its items may come in any order."}},
        "flashcard": {"answer": {"$ref": "#/$defs/text"}},
        # -- open interview questions (#17) --
        "open": {"answer": {"$ref": "#/$defs/text"},
                 "key_points": {"type": "array", "items": {"$ref": "#/$defs/key_point"},
                                "minItems": v.KEY_POINTS_USER[0], "maxItems": v.KEY_POINTS_USER[1]},
                 "follow_ups": {"type": "array", "items": {"$ref": "#/$defs/follow_up"}}},
        # -- code exercises (#18)
        "code": {"exercise": {"type": "string", "pattern": _anchored(v.EXERCISE_NAME.pattern),
                              "description": "The folder demos/exercises/<exercise>/ (starter.py, solution.py, grader.py)."},
                 "hints": {"type": "array", "items": {"$ref": "#/$defs/text"},
                           "minItems": v.MIN_HINTS, "maxItems": v.MAX_HINTS,
                           "description": "Shown one at a time, each more specific than the one before."}},
    }
    assert set(answers) == set(v.TYPES) and all(set(answers[t]) == set(v.ANSWER_KEYS[t]) for t in v.TYPES)
    common = {
        "id": {"type": "string", "pattern": _anchored(v.QUESTION_ID.pattern),
               "description": "Stable, unique across all banks; progress is keyed by it."},
        "type": {"enum": list(v.TYPES)},
        "prompt": {"$ref": "#/$defs/text"},
        "explanation": {"$ref": "#/$defs/text"},
        "tags": {"type": "array", "items": {"type": "string", "pattern": _anchored(v.TAG.pattern)}},
        "difficulty": {"type": "integer", "minimum": 1, "maximum": 5},
        "demo": {**nonempty, "description": "Id of a demo (demos/ or a trusted demos/ beside the bank)."},
        "refs": strings,
        "claim": {**nonempty, "description": "Id of a claim recorded under some bank's claims:."},
    }
    assert set(common) == set(v.COMMON_KEYS)
    per_type = []
    for qtype in v.TYPES:
        own = v.ANSWER_KEYS[qtype]
        per_type.append({
            "if": {"properties": {"type": {"const": qtype}}, "required": ["type"]},
            "then": {
                "properties": {**answers[qtype], **{k: False for k in v.ALL_ANSWER_KEYS if k not in own}},
                "required": [k for k, required in own.items() if required],
            },
        })
    question = {
        "type": "object",
        "properties": {**common, **{k: True for k in v.ALL_ANSWER_KEYS}},
        "required": [k for k, required in v.COMMON_KEYS.items() if required],
        "additionalProperties": False,
        "allOf": per_type,
    }
    claim = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": _anchored(v.CLAIM_ID.pattern)},
            "verdict": {"enum": [*v.VERDICTS, True, False],
                        "description": '"true", nuanced or "false" (false as stated); quote true and false.'},
            "summary": {"$ref": "#/$defs/text"},
            "refs": strings,
            "no_demo": {"$ref": "#/$defs/text",
                        "description": "Why no demo backs this claim; not allowed when a question links one."},
        },
        "required": sorted(v.CLAIM_SPEC.required),
        "additionalProperties": False,
    }
    assert set(claim["properties"]) == set(v.CLAIM_KEYS)
    # -- open interview questions (#17) --
    phrases = {"type": "object", "properties": {lang: strings for lang in v.LANGS}, "additionalProperties": False,
               "description": "Phrases per language: terms separated by spaces, all in one sentence; a|b is either."}
    key_point = {
        "type": "object",
        "properties": {"id": {"type": "string", "pattern": _anchored(v.KEY_POINT_ID.pattern)},
                       "text": {"$ref": "#/$defs/text"}, "phrases": phrases,
                       "avoid": {**phrases, "description": "Phrases of the wrong version: a sentence that matches "
                                                           "one earns no point."}},
        "required": sorted(v.KEY_POINT_SPEC.required),
        "additionalProperties": False,
    }
    assert set(key_point["properties"]) == set(v.KEY_POINT_KEYS)
    follow_up = {
        "type": "object",
        "properties": {"id": {"type": "string", "pattern": _anchored(v.QUESTION_ID.pattern),
                              "description": "An open question, in any bank."},
                       "when": {"enum": list(v.FOLLOW_UP_WHEN)},
                       "point": {"type": "string", "pattern": _anchored(v.KEY_POINT_ID.pattern),
                                 "description": "A key point of this question; required with `when`."}},
        "required": sorted(v.FOLLOW_UP_SPEC.required),
        "dependentRequired": {"when": ["point"], "point": ["when"]},
        "additionalProperties": False,
    }
    assert set(follow_up["properties"]) == set(v.FOLLOW_UP_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": SCHEMA_ID,
        "title": "quizcli question bank, format v1",
        "description": "See content/README.md. Check a bank with `quizcli bank validate PATH`.",
        "type": "object",
        "properties": {
            "format_version": {"const": v.FORMAT_VERSION},
            "id": {"type": "string", "pattern": _anchored(v.BANK_ID.pattern)},
            "title": {"$ref": "#/$defs/text"},
            "description": {"$ref": "#/$defs/text"},
            "lang": {"enum": list(v.LANGS),
                     "description": "The one language a bank is written in; lint then asks for no translations."},
            "claims": {"type": "array", "items": {"$ref": "#/$defs/claim"}},
            "questions": {"type": "array", "items": {"$ref": "#/$defs/question"}, "minItems": 1},
        },
        "required": sorted(v.TOP_SPEC.required),
        "additionalProperties": False,
        "$defs": {"nonempty": nonempty, "text": text, "choice": choice, "claim": claim, "question": question,
                  "key_point": key_point, "follow_up": follow_up},
    }
