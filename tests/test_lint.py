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


pytestmark = pytest.mark.usefixtures("no_builtin")   # tests/conftest.py


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


def _choice_bank(questions: list[tuple[str, list[tuple[str, bool]]]], bank_id: str = "fx_choice") -> str:
    """A bank of choice questions: (type, [(text, correct), ...]) each; the same text in both languages."""
    lines = ["format_version: 1", f"id: {bank_id}", "title: {en: Choices, zh: 选项}",
             "description: {en: Choice habits., zh: 选项习惯。}", "questions:"]
    for i, (qtype, choices) in enumerate(questions):
        lines += [f"  - id: {bank_id.replace('_', '-')}-{i}", f"    type: {qtype}",
                  f"    prompt: {{en: \"Question number {i} about topic {i * 7}?\", zh: \"第 {i} 题，关于主题 {i * 7}？\"}}",
                  "    choices:"]
        for text, correct in choices:
            lines.append(f"      - {{text: {{en: \"{text}\", zh: \"{text}\"}}, correct: {str(correct).lower()}}}")
        lines += ["    explanation: {en: Because the reason is given here., zh: 原因在这里给出。}",
                  "    tags: []", "    difficulty: 1"]
    return "\n".join(lines) + "\n"


LONG = "a detailed and carefully qualified correct statement"     # 52 characters
SHORT = ["a short wrong one", "another wrong one", "a third wrong one"]


def test_long_correct_choice_fires_per_question(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(_choice_bank([("single_choice", [(SHORT[0], False), (LONG, True), (SHORT[1], False)]),
                                 ("multiple_choice", [(LONG, True), (LONG + " too", True), (SHORT[2], False)])]),
                   encoding="utf-8")
    found = _by_rule(lint_paths([bad]))["long-correct-choice"]
    assert [p.field for p in found] == ["questions[0].choices", "questions[1].choices"]
    assert "in en (52 against 17 characters)" in found[0].message and found[0].line == 10
    # Wrong choices as specific as the right one: no finding; nor for short numbers ("0.02" against "2").
    good = tmp_path / "good.yaml"
    good.write_text(_choice_bank([
        ("single_choice", [("a wrong statement with plausible but wrong detail", False), (LONG, True),
                           (SHORT[1], False)]),
        ("single_choice", [("0.02", True), ("2", False)])]), encoding="utf-8")
    assert "long-correct-choice" not in _by_rule(lint_paths([good]))


def test_correct_longest_too_often_and_fixed_position_fire_per_bank(tmp_path):
    # Four single-choice questions, the correct choice longest (but under 1.5x) and always first.
    same = "a correct choice that is a bit longer"
    bad = tmp_path / "bad.yaml"
    bad.write_text(_choice_bank([("single_choice", [(same, True), ("a wrong choice, a bit shorter", False),
                                                    ("a wrong choice that is shorter", False)])] * 4), encoding="utf-8")
    rules = _by_rule(lint_paths([bad]))
    assert "long-correct-choice" not in rules
    longest = rules["correct-longest-too-often"]
    assert {p.message.split(" (")[0] for p in longest} == {
        f"in 4 of 4 single-choice questions the correct choice is the longest in {lang}" for lang in ("en", "zh")}
    assert "fx-choice-0" in longest[0].hint
    [position] = rules["correct-position-fixed"]
    assert "choice a in 4 of 4" in position.message
    # The same questions with the correct choice the longest in one of four and at varied positions: clean.
    good = tmp_path / "good.yaml"
    wrong_long = "a wrong choice that is much longer than the right one"
    good.write_text(_choice_bank([
        ("single_choice", [(same, True), ("short wrong", False), (wrong_long, False)]),
        ("single_choice", [("short wrong", False), (same, True), (wrong_long, False)]),
        ("single_choice", [("short wrong", False), (wrong_long, False), (same, True)]),
        ("single_choice", [(same, True), ("a wrong choice, a bit shorter", False), ("other wrong", False)])]),
        encoding="utf-8")
    rules = _by_rule(lint_paths([good]))
    assert not {"correct-longest-too-often", "correct-position-fixed", "long-correct-choice"} & set(rules), rules


def test_multiple_choice_habits(tmp_path):
    bad = tmp_path / "bad.yaml"
    q = ("multiple_choice", [("correct choice number one", True), ("correct choice number two", True),
                             ("wrong choice", False), ("wrong again", False)])
    bad.write_text(_choice_bank([q] * 3), encoding="utf-8")
    rules = _by_rule(lint_paths([bad]))
    assert "every correct choice is longer than every wrong one" in rules["correct-longest-too-often"][0].message
    assert "correct choices come first in 3 of 3" in rules["correct-position-fixed"][0].message
    mixed = ("multiple_choice", [("wrong choice with enough words", False), ("correct choice number one", True),
                                 ("wrong again", False), ("correct choice number two", True)])
    good = tmp_path / "good.yaml"
    good.write_text(_choice_bank([mixed] * 3), encoding="utf-8")
    assert not {"correct-longest-too-often", "correct-position-fixed"} & set(_by_rule(lint_paths([good])))


def test_builtin_choices_do_not_give_the_answer_away():
    """Measured over the built-in banks: the correct choice is the longest in at most 1/3 of single-choice
    questions (each language), no multiple-choice question has every correct choice longer than every wrong
    one in more than 1/3, and no position holds most correct answers."""
    from collections import Counter

    import yaml

    singles, multis, positions = [], [], Counter()
    for path in sorted((ROOT / "content").glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if q["type"] == "single_choice":
                singles.append(q)
                positions[[c.get("correct", False) for c in q["choices"]].index(True)] += 1
            elif q["type"] == "multiple_choice":
                multis.append(q)

    def longer(q, lang):
        right = [len(c["text"][lang]) for c in q["choices"] if c.get("correct")]
        wrong = [len(c["text"][lang]) for c in q["choices"] if not c.get("correct")]
        return min(right) > max(wrong)

    assert len(singles) >= 50 and len(multis) >= 20
    for lang in ("en", "zh"):
        assert sum(longer(q, lang) for q in singles) <= len(singles) / 3, lang
        assert sum(longer(q, lang) for q in multis) <= len(multis) / 3, lang
    assert max(positions.values()) <= len(singles) / 2 and len(positions) >= 3, positions


def _tagged_bank(tags_per_question: list[list[str]], bank_id: str = "fx_tags") -> str:
    lines = ["format_version: 1", f"id: {bank_id}", "title: {en: Tags, zh: 标签}",
             "description: {en: Tag habits., zh: 标签习惯。}", "questions:"]
    for i, tags in enumerate(tags_per_question):
        lines += [f"  - id: {bank_id.replace('_', '-')}-{i}", "    type: true_false",
                  f"    prompt: {{en: \"Statement number {i} on subject {i * 7} holds.\", zh: \"第 {i} 条关于主题 {i * 7} 的说法成立。\"}}",
                  "    answer: true",
                  "    explanation: {en: Because the reason is given here., zh: 原因在这里给出。}",
                  f"    tags: [{', '.join(tags)}]", "    difficulty: 1"]
    return "\n".join(lines) + "\n"


VOCAB = """format_version: 1
tags:
  - {id: bn, means: {en: Batch Normalization, zh: 批归一化}, aliases: [batchnorm]}
  - {id: activation, means: {en: activation functions, zh: 激活函数}, aliases: [relu]}
  - {id: pytorch, means: {en: PyTorch, zh: PyTorch}}
"""


def test_tag_rules_in_built_in_banks(tmp_path, monkeypatch):
    content = tmp_path / "content"
    (content / "vocabulary").mkdir(parents=True)
    (content / "vocabulary" / "tags.yaml").write_text(VOCAB, encoding="utf-8")
    bank = content / "bank.yaml"
    bank.write_text(_tagged_bank([["bn", "activations"], ["batchnorm", "pytorch"], ["pytroch"], ["kitchen-sink"],
                                  ["activation_s"]]), encoding="utf-8")
    monkeypatch.setenv(paths.ENV_CONTENT, str(content))
    rules = _by_rule(lint_paths([content]))
    near = {p.message.split("`")[1]: p for p in rules["near-duplicate-tag"]}
    assert set(near) == {"activations", "activation_s"} and "spells `activation` differently" in near["activations"].message
    assert near["activations"].field == "questions[0].tags" and "--tag activation" in near["activations"].hint
    unknown = {p.message.split("`")[1]: p for p in rules["unknown-tag"]}
    assert set(unknown) == {"batchnorm", "pytroch", "kitchen-sink"}
    assert "merges it into `bn`" in unknown["batchnorm"].message and unknown["batchnorm"].hint.startswith("use `bn`")
    assert "did you mean `pytorch`" in unknown["pytroch"].hint
    assert unknown["kitchen-sink"].line == bank.read_text(encoding="utf-8").splitlines().index(
        "    tags: [kitchen-sink]") + 1
    # Retagged with the vocabulary: clean.
    bank.write_text(_tagged_bank([["bn", "activation"], ["bn", "pytorch"], ["pytorch"]]), encoding="utf-8")
    assert not {"near-duplicate-tag", "unknown-tag"} & set(_by_rule(lint_paths([content])))


def test_user_banks_get_near_duplicates_but_no_vocabulary(tmp_path):
    bank = tmp_path / "mine.yaml"
    bank.write_text(_tagged_bank([["gradient", "my-own-tag"], ["gradients"], ["gradients"]]), encoding="utf-8")
    rules = _by_rule(lint_paths([bank]))
    assert "unknown-tag" not in rules
    [near] = rules["near-duplicate-tag"]
    assert near.message.startswith("tag `gradient` (1 question) spells `gradients` differently")


def test_spelling_key():
    from quizcli.bank.vocabulary import spelling_key

    assert spelling_key("Activations") == spelling_key("activation")
    assert spelling_key("weight_decay") == spelling_key("weight-decay")
    assert spelling_key("losses") == spelling_key("loss") == "loss" and spelling_key("bias") == "bias"
    assert spelling_key("bn") != spelling_key("in")
