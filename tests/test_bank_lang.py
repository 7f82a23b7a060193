"""A bank in one language (`lang: zh`), placeholder explanations, and what
`quizcli import` writes (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cli_run import run
from quizcli.authoring.lint import lint_paths

ONE_LANGUAGE = """\
format_version: 1
id: notes
title: {{zh: 我的笔记}}
description: {{zh: 批归一化的笔记}}
{lang}questions:
  - id: notes-bn
    type: flashcard
    prompt: {{zh: 批归一化在训练和推理时有什么不同？}}
    answer: {{zh: 训练时用当前 batch 的统计量，推理时用滑动平均。}}
    explanation: {{zh: {explanation}}}
    tags: [batchnorm]
    difficulty: 2
"""


def _write(tmp_path: Path, lang: str = "", explanation: str = "见 Ioffe 与 Szegedy 2015 第 3.1 节：推理时统计量固定为整个训练集上的估计。") -> Path:
    path = tmp_path / "notes.yaml"
    path.write_text(ONE_LANGUAGE.format(lang=lang, explanation=explanation), encoding="utf-8")
    return path


def _rules(path: Path) -> list[str]:
    report = lint_paths([path], against_builtin=False)
    assert not report.errors, report.errors
    return [f.rule for f in report.findings]


def test_a_bank_in_one_language_is_not_asked_for_translations(tmp_path):
    assert "missing-translation" in _rules(_write(tmp_path))
    assert "missing-translation" not in _rules(_write(tmp_path, lang="lang: zh\n"))


def test_a_bad_lang_is_a_validation_error_naming_the_line(tmp_path):
    from quizcli.bank import validate_paths

    path = _write(tmp_path, lang="lang: fr\n")
    problems = validate_paths([path])
    assert any(p.field == "lang" and p.line == 5 and "en or zh" in p.message for p in problems), problems


def test_the_schema_knows_lang(tmp_path):
    import jsonschema

    from quizcli.authoring.schema import build

    data = yaml.safe_load(_write(tmp_path, lang="lang: zh\n").read_text(encoding="utf-8"))
    jsonschema.validate(data, build())
    data["lang"] = "fr"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, build())


@pytest.mark.parametrize("explanation", ["（无解析：导入自 notes.md。）", "(No explanation: imported from x.csv, line 3.)",
                                         "正确", "BN"])
def test_placeholder_and_one_word_explanations_are_pointed_out(tmp_path, explanation):
    assert "placeholder-explanation" in _rules(_write(tmp_path, lang="lang: zh\n", explanation=f'"{explanation}"'))


def test_a_real_explanation_is_not_a_placeholder(tmp_path):
    assert "placeholder-explanation" not in _rules(_write(tmp_path, lang="lang: zh\n"))


def test_import_writes_no_english_into_a_chinese_bank_and_titles_it_from_its_cards(tmp_path):
    source = tmp_path / "deck-export-2026.md"
    source.write_text("Q: 谱归一化约束了什么？\nA: 判别器每层权重的谱范数，从而约束利普希茨常数。\nTags: gan spectral_norm\n\n"
                      "Q: 生成器的输入 z 通常从什么分布采样？\nA: 标准正态分布。\nTags: gan\n", encoding="utf-8")
    out = tmp_path / "cards.yaml"
    code, stdout, err = run(["import", str(source), "-o", str(out), "--lang", "zh"])
    assert code == 0, err
    bank = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert bank["lang"] == "zh"
    assert bank["title"] == {"zh": "gan 卡片"}              # its most common tag, not "deck-export-2026"
    texts = [bank["description"]["zh"]] + [q["explanation"]["zh"] for q in bank["questions"]]
    assert all("imported" not in t.lower() and "explanation" not in t.lower() for t in texts), texts
    rules = _rules(out)
    assert "missing-translation" not in rules and rules.count("placeholder-explanation") == 2


def test_import_lang_follows_the_locale_like_every_command(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text("Q: What does BN normalise over?\nA: The batch.\n", encoding="utf-8")
    out = tmp_path / "en.yaml"
    code, _out, err = run(["import", str(source), "-o", str(out)], env={"LANG": "en_US.UTF-8"})
    assert code == 0, err
    bank = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert bank["lang"] == "en" and bank["title"] == {"en": "What does BN normalise over?"}
    out = tmp_path / "zh.yaml"
    code, _out, err = run(["import", str(source), "-o", str(out)], env={"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"})
    assert code == 0, err
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["lang"] == "zh"
