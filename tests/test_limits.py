"""A bank's expanded size and what an export writes are bounded (issue #16, item 7)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from cli_run import run
from quizcli.bank import yamlio


def laughs(width: int = 1000, fan: int = 60, depth: int = 3) -> str:
    """A small bank whose aliases expand to width * fan**depth characters, with few nodes."""
    lines = ["format_version: 1", "id: lol", 'title: {en: "t", zh: "题"}', 'description: {en: "d", zh: "述"}',
             f"s0: &s0 \"{'A' * width}\""]
    for level in range(1, depth + 1):
        lines.append(f"s{level}: &s{level} [" + ", ".join([f"*s{level - 1}"] * fan) + "]")
    lines += ["questions:", "  - id: q1", "    type: flashcard", "    prompt: {en: p, zh: 问}",
              f"    answer: {{en: *s{depth}, zh: *s{depth}}}", "    explanation: {en: e, zh: 释}", "    difficulty: 1"]
    return "\n".join(lines) + "\n"


def test_few_nodes_expanding_to_a_huge_size_are_refused():
    text = laughs()                 # ~1.6 kB; 216,000,000 characters once expanded, 3,660 alias nodes
    assert len(text) < 5000
    start = time.perf_counter()
    parsed = yamlio.parse(text)
    assert time.perf_counter() - start < 2
    assert parsed.data is None and parsed.problems
    message = parsed.problems[0].message
    assert "aliases expand" in message and f"{yamlio.MAX_ALIAS_CHARS:,} characters" in message


def test_one_long_string_aliased_a_few_thousand_times_is_refused():
    text = laughs(width=100_000, fan=3000, depth=1)   # 300 MB from a ~120 kB file, 3,000 aliases
    parsed = yamlio.parse(text)
    assert parsed.problems and "aliases expand" in parsed.problems[0].message


def test_modest_aliases_still_load():
    text = laughs(width=100, fan=10, depth=2)          # 10 kB expanded
    parsed = yamlio.parse(text)
    assert not parsed.problems, parsed.problems
    assert len(parsed.data["s2"]) == 10


PROBE = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))   # 1 GiB: an expanded export could never fit
from quizcli.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("args", [["bank", "validate"], ["export", "--format", "json", "-o", "OUT"],
                                  ["export", "--format", "csv", "-o", "OUT"], ["list"]])
def test_commands_refuse_a_laughs_bank_quickly_in_bounded_memory(tmp_path, args):
    bank = tmp_path / "lol.yaml"
    bank.write_text(laughs(width=100_000, fan=3000, depth=1), encoding="utf-8")
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    argv = [*args, str(bank)] if args[0] == "bank" else [*args, "--bank", str(bank)]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - start < 30
    assert proc.returncode in (1, 3), proc.stderr
    assert "aliases expand" in " ".join((proc.stdout + proc.stderr).split())
    assert not (tmp_path / "out").exists()


def test_an_export_larger_than_the_bound_is_refused_before_writing(tmp_path, monkeypatch):
    from quizcli.authoring import export

    monkeypatch.setattr(export, "MAX_EXPORT_BYTES", 20_000)
    out = tmp_path / "deck.csv"
    code, _, err = run(["export", "--format", "csv", "-o", str(out), "--topic", "bn"])
    assert code == 3 and "larger than" in err and not out.exists()
