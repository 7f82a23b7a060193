"""`quizcli topics`, `list` and `show`, as tables and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import run  # tests/ is on sys.path

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
USER = FIXTURES / "user"




@pytest.fixture(autouse=True)
def _fixture_content(monkeypatch):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "content"))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)


def test_topics_table_counts_per_type():
    code, out, _ = run(["topics", "--lang", "en"])
    assert code == 0
    fx = next(line for line in out.splitlines() if line.strip().startswith("fx "))
    assert "Fixture bank" in fx and fx.split()[-7:] == ["6", "1", "1", "1", "1", "1", "1"]   # no column for `open`: none
    assert "2 banks, 8 questions" in out


def test_topics_json_and_user_banks(monkeypatch):
    monkeypatch.setenv("QUIZCLI_BANKS", str(USER / "mine.yaml"))
    code, out, _ = run(["topics", "--json"])
    data = {b["id"]: b for b in json.loads(out)}
    assert set(data) == {"fx", "fy", "mine"}
    assert data["fy"]["by_type"] == {"single_choice": 0, "multiple_choice": 0, "true_false": 1, "numeric": 1,
                                     "short_answer": 0, "flashcard": 0, "open": 0, "code": 0}
    assert data["fx"]["builtin"] is True and data["mine"]["builtin"] is False
    assert data["mine"]["title"] == {"en": "My bank", "zh": None}


def test_list_filters_and_json():
    code, out, _ = run(["list", "--tag", "pytorch", "--json"])
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["fx-multi", "fy-tol"]
    assert rows[0]["prompt"]["zh"] == "nn.BatchNorm2d 中哪些是缓冲区？" and "choices" not in rows[0]
    code, out, _ = run(["list", "--type", "numeric", "--difficulty", "2"])
    assert "fx-num" in out and "fy-tol" in out and "fx-tf" not in out and "2 questions" in out


def test_list_unknown_topic():
    code, _, err = run(["list", "--topic", "nope"])
    assert code == 4 and "unknown topic: nope" in err and "fx, fy" in err


def test_show_every_part():
    code, out, _ = run(["show", "fx-num", "--lang", "en"])
    assert code == 0
    for part in ("How many learnable parameters", "Answer: 128", "gamma and beta per channel",
                 "tags: bn, parameters", "claim: bn_param_count_2c — true",
                 "BN over C channels has 2C learnable parameters.", "fx.yaml"):
        assert part in out
    code, out, _ = run(["show", "fx-single", "--lang", "zh"])
    assert "✓ a) N、H、W" in out and "这是实例归一化。" in out and "Ioffe & Szegedy 2015" in out


def test_show_demo(monkeypatch):
    from quizcli import paths

    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demo" / "demos")
    code, out, _ = run(["show", "withdemo-q", "--bank", str(FIXTURES / "demo")])
    assert code == 0 and "demo: fixture_demo" in out


def test_show_json_has_both_languages_and_verdict():
    code, out, _ = run(["show", "fx-num", "--json"])
    data = json.loads(out)
    assert data["answer"] == 128 and data["tolerance"] == 0
    assert data["claim_verdict"]["verdict"] == "true"
    assert data["explanation"]["zh"].startswith("每个通道")
    data = json.loads(run(["show", "fx-multi", "--json"])[1])
    # Choices in the stable shuffled order `show` prints them in; `answer` names them by those letters.
    assert data["answer"] == [c["letter"] for c in data["choices"] if c["correct"]]
    assert sorted(c["correct"] for c in data["choices"]) == [False, False, True, True]
    data = json.loads(run(["show", "fx-short", "--json"])[1])
    assert data["accept"] == ["H, W", "HW"]


def test_show_unknown_id_suggests():
    code, _, err = run(["show", "fx-nmu"])
    assert code == 4 and "no question with id 'fx-nmu'" in err and "fx-num" in err


def test_show_hostile_text_is_literal():
    code, out, _ = run(["show", "hostile-markup", "--bank", str(USER / "hostile.yaml")],
                       env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "[red]RED[/red]" in out and "\\x1b[2J" in out and "\x1b[2J" not in out and "\x1b]0;" not in out


# -- layout at 80 columns (found in QA)


def test_topics_at_80_columns_puts_a_long_title_under_the_id(tmp_path):
    # A Chinese title beside eight number columns wrapped 2-6 characters a line.
    bank = (USER / "mine.yaml").read_text(encoding="utf-8").replace(
        'title: {en: "My bank"}', 'title: {en: "My bank", zh: "批归一化（Batch Normalization）与它的各种变体"}')
    (tmp_path / "mine.yaml").write_text(bank, encoding="utf-8")
    code, out, _ = run(["topics", "--lang", "zh", "--bank", str(tmp_path / "mine.yaml")], env={"COLUMNS": "80"})
    assert code == 0
    assert "批归一化（Batch" in out and "Normalization）与它的各" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    code, out, _ = run(["topics", "--lang", "en"], env={"COLUMNS": "120"})
    fx = next(line for line in out.splitlines() if line.strip().startswith("fx "))
    assert "Fixture bank" in fx                      # wide enough: side by side


def test_list_at_80_columns_keeps_long_ids_and_enough_of_the_prompt(tmp_path):
    # Found in QA: 40-column ids left the question column 8 columns ("写出 Ada…").
    long_id = "mine-a-rather-long-question-id-about-relu"
    bank = (USER / "mine.yaml").read_text(encoding="utf-8").replace("mine-relu", long_id)
    (tmp_path / "mine.yaml").write_text(bank, encoding="utf-8")
    code, out, _ = run(["list", "--lang", "en", "--topic", "mine", "--bank", str(tmp_path / "mine.yaml")],
                       env={"COLUMNS": "80"})
    assert code == 0 and long_id in out
    assert "ReLU is zero for negative inputs." in out
    assert "1 question." in out                      # not "1 questions"


def test_show_gives_the_reason_where_a_claim_has_no_demo():
    bank = str(Path(__file__).parent / "fixtures" / "banks" / "valid" / "no_demo.yaml")
    code, out, _ = run(["show", "fx-nd-reason", "--bank", bank, "--lang", "en"])
    assert code == 0 and "no demo: It needs image-scale generators" in out
    code, out, _ = run(["show", "fx-nd-reason", "--bank", bank, "--lang", "zh"])
    assert "无演示：这需要图像规模的生成器" in out
    data = json.loads(run(["show", "fx-nd-reason", "--bank", bank, "--json"])[1])
    assert data["claim_verdict"]["no_demo"]["en"].startswith("It needs image-scale")
    code, out, _ = run(["show", "fx-num"])          # a claim without a reason shows none
    assert "no demo:" not in out


def test_show_gives_the_question_line():
    fx = FIXTURES / "content" / "fx.yaml"
    line = next(n for n, text in enumerate(fx.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip() == "- id: fx-num")
    assert json.loads(run(["show", "fx-num", "--json"])[1])["line"] == line
    assert f"fx.yaml:{line}" in run(["show", "fx-num"])[1]


def test_show_lists_choices_in_the_stable_shuffled_order():
    """The fixture lists the correct choices first; `show` prints them in the order seeded by the id,
    the same on every run, with the ✓ and the answer's letters on the right choices."""
    from quizcli.model import stable_choice_order

    code, out, _ = run(["show", "fx-multi", "--lang", "en"])
    assert code == 0 and out == run(["show", "fx-multi", "--lang", "en"])[1]
    data = json.loads(run(["show", "fx-multi", "--json"])[1])
    order = stable_choice_order("fx-multi", len(data["choices"]))
    assert order != tuple(range(len(order)))          # this id's order differs from the bank's
    marked = [line.split(")")[0].split()[-1] for line in out.splitlines() if "✓" in line]
    assert marked == data["answer"] and data["answer"] != ["a", "b"]


def _content_with_article(tmp_path, quote: str = "那么做BN的参数量为") -> Path:
    """The fixture banks plus an article file that quotes claim bn_param_count_2c."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    (content / "article").mkdir()
    (content / "article" / "claims.yaml").write_text(
        "format_version: 1\ntitle: 神经网络：深度学习优化方法\nwhat: {en: An article., zh: 一篇文章。}\n"
        "sections:\n  - {id: bn, number: 2, title: {en: BN questions, zh: BN层面试高频问题大汇总}}\n"
        f"claims:\n  - id: bn_param_count_2c\n    section: bn\n    statement: \"a BN layer over C channels has 2C "
        f"parameters [red]x[/red]\"\n    quotes: [{json.dumps(quote, ensure_ascii=False)}]\n", encoding="utf-8")
    return content


def test_show_quotes_the_article_beside_the_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(_content_with_article(tmp_path)))
    code, out, _ = run(["show", "fx-num", "--lang", "zh"])
    assert code == 0 and "「那么做BN的参数量为」" in out and "BN层面试高频问题大汇总" in out
    assert "in English" not in out
    code, out, _ = run(["show", "fx-num", "--lang", "en"])
    said = next(line for line in out.splitlines() if "the article said" in line)
    assert "「那么做BN的参数量为」" in said
    # English mode: the quote, then the English statement, shown literally (markup and all).
    assert "(in English: a BN layer over C channels has 2C parameters [red]x[/red])" in out
    data = json.loads(run(["show", "fx-num", "--json"])[1])
    assert data["article"]["quotes"] == ["那么做BN的参数量为"] and data["article"]["section"] == 2
    assert data["claim_verdict"]["verdict"] == "true"


def test_explain_quotes_the_article_with_the_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(_content_with_article(tmp_path, "[bold]引文\x1b[2J[/bold]")))
    code, out, _ = run(["explain", "fx-num", "--lang", "en"], env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert code == 0, out
    said = next(line for line in out.splitlines() if "the article said" in line)
    assert "[bold]引文" in said and "\x1b[2J" not in out and "\\x1b[2J" in said and "true" in said


def test_show_without_an_article_file_shows_no_quote():
    code, out, _ = run(["show", "fx-num", "--lang", "en"])
    assert code == 0 and "the article said" not in out
    assert json.loads(run(["show", "fx-num", "--json"])[1])["article"] is None


def test_a_malformed_article_file_is_exit_3(tmp_path, monkeypatch):
    content = _content_with_article(tmp_path)
    path = content / "article" / "claims.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("section: bn", "section: nope"), encoding="utf-8")
    monkeypatch.setenv("QUIZCLI_CONTENT", str(content))
    code, _, err = run(["show", "fx-num"])
    assert code == 3 and "claims[0].section" in err and "Traceback" not in err


def test_unknown_tag_says_did_you_mean_not_every_tag(monkeypatch):
    """With the built-in banks' 40-odd tags: an old spelling gets the tag it became, a typo its near
    matches, nonsense a pointer; never the whole list. Same exit status as an unknown topic (4)."""
    monkeypatch.setenv("QUIZCLI_CONTENT", str(Path(__file__).resolve().parent.parent / "content"))
    topic_code = run(["list", "--topic", "nope"])[0]
    code, _, err = run(["list", "--tag", "batchnorm"])
    assert code == topic_code == 4 and "unknown tag: batchnorm" in err and "did you mean: bn?" in err
    code, _, err = run(["quiz", "--tag", "activations", "-n", "1"])
    assert code == 4 and "did you mean: activation" in err
    code, _, err = run(["list", "--tag", "zzzq"])
    assert code == 4 and "no tag is close" in err and "pytorch" not in err and "Traceback" not in err
