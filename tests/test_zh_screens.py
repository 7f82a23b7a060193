"""Issue 19's "done when": a quiz, a review, `explain`, `stats` and an
interview in a Chinese locale show no English interface text.

Each screen is rendered as a candidate sees it, and every ASCII word on it
must come from the content (the questions' Chinese text, ids, references,
accepted answers, units; a demo's own table and check labels), from a
command quoted in backticks, or from a short allow-list of technical
terms, keys and units.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli_run import run
from quizcli import paths
from quizcli.model import Text

ZH_ENV = {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "COLUMNS": "100"}
FIXTURES = Path(__file__).parent / "fixtures"

# Technical terms, keys, units and names that stay in Latin letters in Chinese text.
ALLOWED = {
    "BN", "GAN", "FSRS", "PyTorch", "torch", "NaN", "inf", "Enter", "Ctrl", "JSON", "CSV", "Anki", "Markdown",
    "TRACEBACK", "QUIZCLI", "ms", "mo", "cpu", "cuda", "mps", "lr", "seed", "quizcli",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_]+")


def _content_words(library) -> set[str]:
    """The ASCII words of everything a bank says in Chinese (the English text where Chinese is missing)."""
    words: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, Text):
            walk(value.zh if value.zh else value.en)
        elif isinstance(value, str):
            words.update(WORD.findall(value))
        elif isinstance(value, tuple):        # NamedTuples (choices, key points) and tuples of them
            for item in value:
                walk(item)

    for bank in library.banks:
        walk(bank.id)
        walk(getattr(bank, "title", None))
    for q in library.questions:
        walk(tuple(q))
    return words


def _english_words(screen: str, allowed: set[str]) -> list[str]:
    screen = re.sub(r"`[^`]*`", " ", screen)                    # a command to type
    screen = re.sub(r"quizcli(?: +-{0,2}[\w.-]+)+", " ", screen)  # one not in backticks
    screen = re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", " ", screen)   # dates
    return sorted({w for w in WORD.findall(screen) if w not in allowed and w not in ALLOWED})


@pytest.fixture
def builtin_words() -> set[str]:
    from quizcli.bank import load_library

    return _content_words(load_library(include_builtin=True))


def test_a_quiz_in_a_chinese_locale(builtin_words):
    # No --lang: the locale decides. Answers of every kind: a letter, t/f, a number, a skip, a self-grade.
    code, out, err = run(["quiz", "--topic", "bn", "-n", "8", "--seed", "5"],
                         input="a\n\nt\n\n3\n\n\n\nx\nb\n\n?\n1\n\n2\n\n2\n\nq\n", env=ZH_ENV)
    assert code == 0, err
    assert "小结" in out and "得分：" in out
    assert _english_words(out, builtin_words) == []


def test_a_review_in_chinese(builtin_words):
    code, out, err = run(["review", "--lang", "zh", "--topic", "gan", "-n", "4", "--seed", "2"],
                         input="a\n\n1\n\nt\n\n?\n3\n\n\n\nq\n", env=ZH_ENV)
    assert code == 0, err
    assert "复习小结" in out
    assert _english_words(out, builtin_words) == []


def test_stats_in_a_chinese_locale(builtin_words):
    run(["quiz", "--topic", "bn", "-n", "3", "--seed", "1", "--lang", "zh"], input="a\n\nb\n\nc\n\n", env=ZH_ENV)
    code, out, err = run(["stats"], env=ZH_ENV)
    assert code == 0, err
    assert "学习进度" in out and "保持率" in out
    assert _english_words(out, builtin_words) == []
    code, out, err = run(["stats", "--topic", "bn", "--lang", "zh"])
    assert code == 0 and "全部" in out and "gan" not in out


def test_an_interview_in_chinese(builtin_words):
    code, out, err = run(["interview", "--lang", "zh", "--minutes", "4", "--seed", "1", "--topic", "bn"],
                         input="训练时用当前 batch 的均值和方差，推理时用滑动平均。\n\n\nq\n", env=ZH_ENV)
    assert code == 0, err
    assert "面试报告" in out
    assert _english_words(out, builtin_words) == []


def test_explain_in_chinese(monkeypatch):
    """A question's answer, then its demo: the demo's own labels (its table and checks) count as content."""
    from quizcli.bank import load_library

    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "demo_content"))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")
    code, raw, err = run(["explain", "fx_pass", "--json", "--device", "cpu", "--seed", "1"], env=ZH_ENV)
    assert code == 0, err
    result = json.loads(raw)["result"]
    demo_words = set(WORD.findall(json.dumps({k: result[k] for k in ("settings", "table", "checks", "curves",
                                                                      "scatters")}, ensure_ascii=False)))
    code, out, err = run(["explain", "fx-pass-q", "--device", "cpu", "--seed", "1"], env=ZH_ENV)
    assert code == 0, err
    assert "结论：" in out and "检验" in out and "随机种子 1" in out
    allowed = _content_words(load_library(include_builtin=True)) | demo_words
    assert _english_words(out, allowed) == []


def test_the_check_finds_english_interface_text():
    """The screens' check is not blind: the English interface fails it."""
    from quizcli.bank import load_library

    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('ui_lang = "en"\n', encoding="utf-8")     # Chinese questions, English interface
    code, out, err = run(["quiz", "--topic", "bn", "-n", "2", "--seed", "5", "--lang", "zh"], input="a\n\nq\n",
                         env=ZH_ENV)
    assert code == 0, err
    words = _english_words(out, _content_words(load_library(include_builtin=True)))
    assert {"Summary", "Missed", "Seed"} <= set(words), words
