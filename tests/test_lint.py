"""`quizcli bank lint` (quizcli/authoring/lint.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import paths
from quizcli.authoring.lint import lint_paths, normalize
from quizcli.cli import app

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(__file__).resolve().parent / "fixtures" / "banks" / "lint"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_builtin(tmp_path, monkeypatch):
    empty = tmp_path / "no-content"
    empty.mkdir()
    monkeypatch.setenv(paths.ENV_CONTENT, str(empty))


def _by_rule(report):
    out: dict[str, list] = {}
    for f in report.findings:
        out.setdefault(f.rule, []).append(f.problem)
    return out


def test_every_rule_finds_its_case_with_line_and_suggestion():
    path = LINT / "findings.yaml"
    report = lint_paths([path])
    assert report.errors == []
    rules = _by_rule(report)
    expected = {
        "missing-translation": (5, "description"),
        "near-duplicate-prompt": (16, "questions[1].prompt"),
        "identical-choices": (27, "questions[2].choices[2].text"),
        "explanation-repeats-answer": (35, "questions[3].explanation"),
        "answer-in-prompt": (40, "questions[4].prompt"),
    }
    for rule, (line, field) in expected.items():
        assert rule in rules, f"{rule} found nothing: {[str(f.problem) for f in report.findings]}"
        p = rules[rule][0]
        assert (p.file, p.line, p.field) == (str(path), line, field), str(p)
        assert p.hint
    assert set(rules) == set(expected)


def test_exact_duplicate_prompt_across_banks(tmp_path):
    a = LINT / "findings.yaml"
    b = tmp_path / "copy.yaml"
    b.write_text(a.read_text(encoding="utf-8").replace("fx_lint", "fx_lint_copy").replace("fx-lint", "fx-copy"),
                 encoding="utf-8")
    rules = _by_rule(lint_paths([a, b]))
    dup = [p for p in rules["duplicate-prompt"] if p.file == str(b)]
    assert dup and str(a) in dup[0].message


def test_demo_rules():
    folder = LINT / "demo_bank"
    rules = _by_rule(lint_paths([folder / "bank.yaml"]))
    assert rules["claim-without-demo"][0].field == "claims[0].id"
    assert rules["unlinked-demo"][0].file == str(folder / "demos" / "fx_unlinked.py")


def test_a_new_bank_is_lint_clean():
    from quizcli.authoring.new import new_bank_text

    def run(tmp: Path) -> list:
        bank = tmp / "mine.yaml"
        bank.write_text(new_bank_text("mine"), encoding="utf-8")
        return lint_paths([bank]).findings

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        assert run(Path(tmp)) == []


def test_lint_reports_validation_problems_first():
    bad = Path(__file__).resolve().parent / "fixtures" / "banks" / "invalid" / "unknown_key.yaml"
    result = runner.invoke(app, ["bank", "lint", str(bad)])
    assert result.exit_code == 1 and "unknown key `explanaton`" in result.output


def test_cli_strict_fails_on_findings_and_json():
    path = str(LINT / "findings.yaml")
    relaxed = runner.invoke(app, ["bank", "lint", path])
    assert relaxed.exit_code == 0 and "warning[identical-choices]" in relaxed.output
    assert f"{path}:27:" in relaxed.output and "help: make every choice say something different" in relaxed.output
    assert runner.invoke(app, ["bank", "lint", "--strict", path]).exit_code == 1
    data = json.loads(runner.invoke(app, ["bank", "lint", "--json", path]).output)
    assert {f["rule"] for f in data["findings"]} >= {"identical-choices", "answer-in-prompt"}


def test_normalize_ignores_case_width_and_spacing():
    assert normalize("  ＢａｔｃｈＮｏｒｍ   Layer。") == normalize("batchnorm layer")


def test_content_is_lint_clean(monkeypatch):
    """content/ stays lint-clean under every rule, the demo rules included (`bank lint --strict content/`)."""
    content = ROOT / "content"
    monkeypatch.setenv(paths.ENV_CONTENT, str(content))
    report = lint_paths([content])
    assert report.errors == []
    assert report.banks >= 6
    assert report.findings == [], "\n".join(f"{f.rule}: {f.problem}" for f in report.findings)
    assert runner.invoke(app, ["bank", "lint", "--strict", str(content)]).exit_code == 0


def test_a_no_demo_reason_satisfies_claim_without_demo(tmp_path):
    bank = LINT / "demo_bank" / "bank.yaml"
    text = bank.read_text(encoding="utf-8")
    assert "claim-without-demo" in _by_rule(lint_paths([bank]))
    [hint] = {p.hint for p in _by_rule(lint_paths([bank]))["claim-without-demo"]}
    assert "no_demo" in hint
    # The same bank, its claim now saying why no demo backs it.
    reasoned = tmp_path / "bank.yaml"
    reasoned.write_text(_with_no_demo(text), encoding="utf-8")
    assert "claim-without-demo" not in _by_rule(lint_paths([reasoned]))


def _with_no_demo(text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if line.strip().startswith("summary:"))
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    reason = f"{indent}no_demo: {{en: Needs image-scale models., zh: 需要图像规模的模型。}}\n"
    return "".join(lines[: i + 1] + [reason] + lines[i + 1:])


def test_redundant_accept_names_the_entry_it_repeats(tmp_path):
    bank = tmp_path / "accept.yaml"
    bank.write_text("""format_version: 1
id: fx_accept
title: {en: Accept, zh: 接受}
description: {en: Spacing variants listed by hand., zh: 手写的空格变体。}
questions:
  - id: fx-accept-list
    type: short_answer
    prompt: {en: Which axes?, zh: 哪些维度？}
    accept: ["H, W", "HW", "H 和 W", "H和W", "W, H"]
    explanation: {en: The spatial axes., zh: 空间维度。}
    tags: []
    difficulty: 1
  - id: fx-accept-set
    type: short_answer
    prompt: {en: Which axes again?, zh: 又是哪些维度？}
    accept: ["N, H, W", "W, H, N", "NHW"]
    unordered: true
    explanation: {en: The batch and spatial axes., zh: 批和空间维度。}
    tags: []
    difficulty: 1
""", encoding="utf-8")
    found = [f.problem for f in lint_paths([bank]).findings if f.rule == "redundant-accept"]
    assert [(p.line, p.field) for p in found] == [(9, "questions[0].accept[3]"), (16, "questions[1].accept[1]"),
                                                  (16, "questions[1].accept[2]")]
    assert "'H 和 W'" in found[0].message and found[0].hint == "remove it"
