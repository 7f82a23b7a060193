"""Reading YAML (quizcli/bank/yamlio.py): both parsers agree, and garbage never raises."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizcli.bank import library, yamlio
from quizcli.bank.validate import check_bank
from quizcli.errors import Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"
ROOT = Path(__file__).resolve().parent.parent

needs_yaml_rs = pytest.mark.skipif(not yamlio.fast_parser_available(), reason="yaml_rs is not installed")

SCALARS = ["yes", "no", "on", "012", "1e3", "0o17", "0x1F", "~", ".nan", "True", "FALSE", "2024-01-15",
           "1_000", "1:30", "null", "1.", ".5", "+1", "-.inf", "0b101", "=", "-1", "1.5e-3", "00", "-0",
           "1e", ".", "tRue", "0x", "_1", "1.2.3", "'quoted'", '"12"', "[1, 2]", "{a: 1}", "ä", "12 monkeys"]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@needs_yaml_rs
@pytest.mark.parametrize("scalar", SCALARS)
def test_fast_and_slow_parsers_read_scalars_alike(scalar):
    text = f"value: {scalar}\n"
    fast = yamlio.parse(text)
    slow = yamlio.parse_with_positions(text)
    assert not fast.problems and not slow.problems
    assert _same(fast.data, slow.data), (fast.data, slow.data)


@needs_yaml_rs
@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").rglob("*.yaml")) + sorted((ROOT / "content").glob("*.yaml"))
                         + [ROOT / "bench" / "gen_corpus.py"], ids=lambda p: p.name)
def test_fast_and_slow_parsers_read_banks_alike(path):
    if path.suffix == ".py":   # a generated bank, like the benchmark's
        import sys

        sys.path.insert(0, str(path.parent))
        from gen_corpus import bank_text

        text = bank_text("gen", 0, 12)
    else:
        text = path.read_text(encoding="utf-8")
    fast, slow = yamlio.parse(text), yamlio.parse_with_positions(text)
    assert not fast.problems and not slow.problems
    assert _same(fast.data, slow.data)


def test_yaml_1_2_core_schema():
    data = yamlio.parse_with_positions("a: yes\nb: on\nc: 2024-01-15\nd: 1e3\ne: true\nf: ~\ng: '1'\n").data
    assert data == {"a": "yes", "b": "on", "c": "2024-01-15", "d": 1000.0, "e": True, "f": None, "g": "1"}


def test_positions_of_values_and_keys():
    parsed = yamlio.parse_with_positions("a:\n  b: [x, {c: 1}]\n")
    assert parsed.positions[("a", "b", 1, "c")] == (2, 14)
    assert parsed.key_positions[("a", "b")] == (2, 3)


# --- garbage in, problems out ---------------------------------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(list("abz01:-?[]{},&*!|>'\"#\n\t %@`~.\\") + ["\x00", "\ufeff", "é", "题"]),
                  max_size=200)


def _check_bytes(tmp_path: Path, data: bytes) -> list[Problem]:
    bank = tmp_path / "fuzz.yaml"
    bank.write_bytes(data)
    _, problems = library.run([library.Source(bank, builtin=False)])
    return problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(tmp_path, data):
    problems = _check_bytes(tmp_path, data)
    assert all(isinstance(p, Problem) for p in problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=YAMLISH)
def test_yaml_like_garbage_never_raises(tmp_path, text):
    problems = _check_bytes(tmp_path, text.encode("utf-8"))
    assert all(isinstance(p, Problem) and p.message for p in problems)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
    | st.sampled_from([2 ** 1100, -(10 ** 300), 0.0, "  ", "single_choice", "numeric", "flashcard", "true"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from([2 ** 1100, 1, "id", "type", "prompt", "en", "zh", "choices", "text", "correct", "answer", "questions",
                         "claims", "verdict", "tags", "difficulty", "format_version", "x"]) | st.text(max_size=5),
        children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(data=JSONISH, builtin=st.booleans())
def test_any_data_is_checked_without_raising(data, builtin):
    checked = check_bank(data, builtin)
    assert checked.issues or checked.bank is not None


def test_numbers_too_big_for_python_are_problems(tmp_path):
    bank = tmp_path / "big.yaml"
    bank.write_text(
        "format_version: 1\nid: big\ntitle: t\ndescription: d\nquestions:\n"
        "- {id: q, type: numeric, prompt: p, explanation: e, tags: [], difficulty: " + "9" * 5000
        + ", answer: 0x" + "f" * 5000 + ", tolerance: " + "9" * 4200 + "}\n")
    _, problems = library.run([library.Source(bank, builtin=False)])
    fields = {p.field for p in problems}
    assert {"questions[0].difficulty", "questions[0].answer", "questions[0].tolerance"} <= fields


@needs_yaml_rs
def test_without_yaml_rs_the_same_problems_are_found(monkeypatch, tmp_path):
    """PyYAML alone (yaml_rs missing) gives the same problems, at the same places."""
    monkeypatch.setenv("QUIZCLI_CONTENT", str(tmp_path))
    from quizcli.bank import validate_paths

    fixtures = sorted((FIXTURES / "invalid").glob("*.yaml")) + sorted((FIXTURES / "valid").rglob("*.yaml"))
    with_rs = {p: [(x.line, x.field, x.message) for x in validate_paths([p])] for p in fixtures}
    monkeypatch.setattr(yamlio, "fast_parser_available", lambda: False)
    for p in fixtures:
        without = [(x.line, x.field, x.message) for x in validate_paths([p])]
        if p.stem in ("syntax_error",):   # the two parsers word syntax errors differently
            assert bool(without) == bool(with_rs[p])
            continue
        assert without == with_rs[p], p.name


def _example_bank() -> str:
    import re

    text = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    return re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.S).group(1)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_banks_never_raise(tmp_path, data):
    """A real bank with a slice replaced by YAML-ish garbage: problems, never an exception."""
    text = _example_bank()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    damaged = text[:start] + data.draw(YAMLISH) + text[end:]
    problems = _check_bytes(tmp_path, damaged.encode("utf-8"))
    assert all(isinstance(p, Problem) for p in problems)


# The slow path's triggers as regexes with a leading alternation (what they
# were before issue 21): the scan that replaced them must find the same.
_TAG_AS_REGEX = re.compile(r"(?:^|[\s\[{,:])!")
_ANCHOR_AS_REGEX = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("!&a :,[]{}\n\t\u3000\u00a0x-")), max_size=30))
def test_tag_and_anchor_triggers_are_found_as_the_regexes_find_them(text):
    assert yamlio._starts_a_token(text, yamlio._TAG, yamlio._TAG_BEFORE) == bool(_TAG_AS_REGEX.search(text))
    assert (yamlio._starts_a_token(text, yamlio._ANCHOR, yamlio._ANCHOR_BEFORE)
            == bool(_ANCHOR_AS_REGEX.search(text)))


def test_a_bank_with_an_anchor_or_a_tag_takes_the_slow_path():
    assert yamlio._needs_slow_path("a: &x 1\nb: *x\n")
    assert yamlio._needs_slow_path("a: !!str 1\n")
    assert not yamlio._needs_slow_path("refs: [\"Ioffe & Szegedy 2015\"]\nq: Q&A! yes\n")
