"""Issue 19's "done when": a quiz, a review, `explain`, `stats`, an
interview, `practice`, `show`, `list`, `topics` and a broken bank's error
in a Chinese locale show no English interface text.

Each screen is rendered as a candidate sees it, and every ASCII word on it
must come from the content (the questions' Chinese text, ids, references,
accepted answers, units), from a command quoted in backticks, or from a short allow-list of technical
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


PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\w.-]*/)+[\w.-]+(?::\d+)?")      # a file's path (a bank's, the exercise's)


def _article_words() -> set[str]:
    """The ASCII words of the article's own quotes and section titles (shown literally by `show`)."""
    from quizcli.bank.article import load_article

    article = load_article()
    words: set[str] = set()
    for claim in article.claims.values():
        for quote in claim.quotes:
            words.update(WORD.findall(quote))
        words.update(WORD.findall(claim.section.title.zh or claim.section.title.en))
    return words


def test_show_in_a_chinese_locale(builtin_words):
    """A question with its answer, key points, references, claim and the article's words."""
    from quizcli.bank import load_library

    library = load_library(include_builtin=True)
    claim_words: set[str] = set()
    for bank in library.banks:
        for claim in bank.claims:
            claim_words.update(WORD.findall(json.dumps(tuple(claim), ensure_ascii=False, default=str)))
    allowed = builtin_words | claim_words | _article_words()
    for qid in ("bn-rnn-never", "bn-iv-formula", "gan-adam-sgd-folklore"):
        assert library.question(qid) is not None, qid
        code, out, err = run(["show", qid], env=ZH_ENV)
        assert code == 0, err
        assert "答案：" in out or "要点" in out
        assert _english_words(PATH.sub(" ", out), allowed) == [], qid


def test_list_and_topics_in_a_chinese_locale(builtin_words):
    code, out, err = run(["list", "--topic", "bn"], env=ZH_ENV)
    assert code == 0, err
    assert "道题" in out and "题型" in out
    out = re.sub(r"[A-Za-z_]+…", " ", out)           # a question cut off at the column's end
    assert _english_words(out, builtin_words) == []
    code, out, err = run(["topics"], env=ZH_ENV)
    assert code == 0, err
    assert "个题库" in out and "总数" in out
    assert _english_words(out, builtin_words) == []


def test_a_broken_bank_in_a_chinese_locale():
    """The error's frame (its message, its hint, the validator's counts) is Chinese; each problem's own
    words are the validator's, in English, and are left out of the check."""
    bank = FIXTURES / "banks" / "invalid" / "difficulty_out_of_range.yaml"
    code, out, err = run(["list", "--bank", str(bank)], env=ZH_ENV)
    assert code == 3, (out, err)
    frame = [line for line in err.splitlines() if not line.startswith("  ")]
    assert frame[0].startswith("错误：题库中有 1 个错误") and frame[-1].startswith("提示：")
    assert _english_words(PATH.sub(" ", "\n".join(frame)), set()) == []
    code, out, err = run(["bank", "validate", str(bank)], env=ZH_ENV)
    assert code == 1, (out, err)
    summary = out.strip().splitlines()[-1]
    assert "1 个错误" in summary and "1 个文件" in summary
    assert _english_words(summary, set()) == []
    code, out, err = run(["bank", "validate", str(FIXTURES / "banks" / "valid")], env=ZH_ENV)
    assert code == 0 and out.strip().splitlines()[-1].startswith("通过：没有错误")


def test_practice_in_a_chinese_locale(builtin_words):
    """The exercise's screen, a hint, the help and the rating (the grader's own messages are not shown:
    nothing is graded); then the list."""
    pytest.importorskip("torch")
    code, out, err = run(["practice", "bn-code-forward-train", "--no-watch"], input="h\n?\nx\nq\n", env=ZH_ENV)
    assert code == 0, err
    assert "代码练习" in out and "提示 1/" in out and "已记录：重来" in out
    out = re.sub(r"你的文件：.*?╰", " ", out, flags=re.S)       # the file's path (it may wrap in the panel)
    out = re.sub(r"\$[A-Z_]+", " ", out)                         # an environment variable ($EDITOR)
    assert _english_words(out, builtin_words) == []
    code, out, err = run(["practice", "--list", "--topic", "bn"], env=ZH_ENV)
    assert code == 0, err
    assert "道代码练习" in out and "上次结果" in out
    assert _english_words(out, builtin_words) == []


def _explain_zh(monkeypatch, demos_dir: Path, target: str) -> str:
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "demo_content"))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: demos_dir)
    code, out, err = run(["explain", target, "--device", "cpu", "--seed", "1"], env=ZH_ENV)
    assert code == 0, out + err
    assert "结论：" in out and "检验" in out and "随机种子 1" in out
    return out


def test_explain_in_chinese(monkeypatch):
    """A question's answer, then its demo: the demo's labels (settings, table, checks, plots, legends)
    are not content: they must be Chinese too (tests/test_demos_contract.py holds built-in demos to it)."""
    from quizcli.bank import load_library

    out = _explain_zh(monkeypatch, FIXTURES / "demos", "fx-pass-q")
    assert "处理组均值" in out and "样本数=20" in out and "对照组" in out
    assert _english_words(out, _content_words(load_library(include_builtin=True))) == []


def test_the_explain_check_finds_a_demos_english_labels(monkeypatch, tmp_path):
    """The same demo with its labels in English only: the check flags them."""
    import shutil

    demos = tmp_path / "demos"
    shutil.copytree(FIXTURES / "demos", demos)
    source = (demos / "fx_pass.py").read_text(encoding="utf-8")
    head, body = source.split("def run(", 1)
    labels, rest = body.split("finding=", 1)
    english = re.sub(r'\{"en": ("[^"]*"), "zh": "[^"]*"\}', r"\1", labels)   # the labels, not the finding
    (demos / "fx_pass.py").write_text(head + "def run(" + english + "finding=" + rest, encoding="utf-8")
    out = _explain_zh(monkeypatch, demos, "fx_pass")
    words = _english_words(out, set())
    assert {"treated", "control", "mean", "arm"} <= set(words), words


def test_the_check_finds_english_interface_text():
    """The screens' check is not blind: the English interface fails it."""
    from quizcli.bank import load_library

    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('ui_lang = "en"\n', encoding="utf-8")     # Chinese questions, English interface
    from quizcli.model import QuestionType
    from quizcli.selection import Filters, select
    from quizcli.sessions.quiz import draw

    library = load_library(include_builtin=True)
    # Both true/false questions the seed asks, answered wrong: the summary lists them as missed.
    asked = draw(select(library, Filters(topics=("bn",), types=(QuestionType.TRUE_FALSE,))), 5, 2)
    wrong = "".join("f\n\n" if q.answer_bool else "t\n\n" for q in asked)
    code, out, err = run(["quiz", "--topic", "bn", "--type", "true_false", "-n", "2", "--seed", "5", "--lang", "zh"],
                         input=wrong + "q\n", env=ZH_ENV)
    assert code == 0, err
    words = _english_words(out, _content_words(library))
    assert {"Summary", "Missed", "Seed"} <= set(words), words
    code, out, err = run(["show", "bn-rnn-never", "--lang", "zh"], env=ZH_ENV)
    assert code == 0, err
    words = _english_words(PATH.sub(" ", out), _content_words(load_library(include_builtin=True)) | _article_words())
    assert {"Answer", "Explanation", "References"} <= set(words), words
