"""The interview screen (quizcli/ui/interview.py), driven with scripted input and rendered to text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from quizcli import paths
from quizcli.bank import load_library
from quizcli.scheduler import Scheduler
from quizcli.sessions.interview import InterviewSession
from quizcli.store import open_store
from quizcli.ui import interview as ui
from quizcli.ui import interview_report as ui_report

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "interview" / "content"


@pytest.fixture
def library(monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURE))
    return load_library()


def scripted(lines):
    it = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None

    return read


def interview(library, tmp_path, lines, ids=("norm-iv-train-vs-test",), lang="en"):
    session = InterviewSession([library.question(i) for i in ids], open_store(tmp_path / "p.sqlite3"), Scheduler(),
                               library.question, lang=lang)
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None, highlight=False)
    ui.run(session, console, lang=lang, read=scripted(lines), interactive=True)
    return session, out.getvalue()


def test_toggle_then_accept_and_bad_keys(library, tmp_path):
    session, out = interview(library, tmp_path, [
        "?", "BN uses the batch mean in training.", "", "9", "x", "23", "", "q"])
    assert "an empty line or Ctrl-D ends it" in out          # ? help
    assert out.count("unknown key") == 2                      # 9 is no point, x no key
    [result] = session.results
    assert result.auto == {"batch-stats"} and result.covered == {"batch-stats", "running-avg", "independent"}
    assert "3/3 key points · rated good" in out


def test_quit_at_the_demo_prompt_shows_each_model_answer_once(library, tmp_path, monkeypatch):
    session, out = interview(library, tmp_path, [
        "running mean at inference", "", "",          # batch-stats missed -> its follow-up, batch-one
        "use groupnorm", "", "",
        "q"], ids=("norm-iv-train-vs-test", "norm-iv-batch-one"))     # q at the first demo prompt
    assert [(r.question_id, r.asked.depth) for r in session.results] == [("norm-iv-train-vs-test", 0),
                                                                          ("norm-iv-batch-one", 1)]
    # The chain's debrief: train-vs-test (with its demo prompt, where q quits), then batch-one; each once.
    assert "d run the demo" in out
    assert out.count("Model answer") == 2 and session.ended_by == "quit"


def test_empty_first_line_asks_again_and_s_skips(library, tmp_path):
    session, out = interview(library, tmp_path, ["", "s", "q"], ids=("norm-iv-train-vs-test", "norm-iv-batch-one"))
    assert "no answer typed" in out and "skipped" in out
    assert [a.question.id for a in session.skipped] == ["norm-iv-train-vs-test"] and session.results == []


def test_chinese_screen(library, tmp_path):
    from quizcli import i18n

    i18n.set_lang("zh")
    session, out = interview(library, tmp_path, ["训练用批次统计量", "", "n", "q"], lang="zh")
    assert "第 1 题" in out and "要点" in out and "0/3 个要点 · 复习评分 重来" in out
    assert session.results[0].covered == frozenset()


def test_the_screen_follows_the_interface_language_not_the_questions(library, tmp_path):
    """ui_lang: Chinese questions under an English interface, and English questions under a Chinese one."""
    from quizcli import i18n

    i18n.set_lang("en")
    _, out = interview(library, tmp_path / "a", ["训练用批次统计量", "", "n", "q"], lang="zh")
    assert "Question 1" in out and "BN 在训练和推理时" in out and "rated again" in out and "第 1 题" not in out
    i18n.set_lang("zh")
    _, out = interview(library, tmp_path / "b", ["batch statistics", "", "n", "q"], lang="en")
    assert "第 1 题" in out and "复习评分 重来" in out and "Question 1" not in out


@pytest.mark.parametrize("keys, want", [("", {"a"}), ("y", {"a", "b", "c"}), ("n", set()), ("2", {"a", "b"}),
                                        ("1 3", {"c"}), ("１", set()), ("4", None), ("zz", None)])
def test_apply_keys(keys, want):
    assert ui.apply_keys(keys, {"a"}, ("a", "b", "c")) == want


def test_markdown_escape():
    assert ui_report.md("[x](http://e) <b>*y*</b> | `z` & #") == "\\[x\\](http://e) &lt;b&gt;\\*y\\*&lt;/b&gt; \\| \\`z\\` &amp; \\#"
    assert ui_report.md("a\x1b[31mb\nc") == "a\\\\x1b\\[31mb c"      # shown as the text \x1b, as on the terminal
