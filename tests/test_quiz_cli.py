"""`quizcli quiz` driven through the CLI with scripted input (no terminal)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
from rich.cells import cell_len

from quizcli import paths

from cli_run import run  # tests/ is on sys.path

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
USER = FIXTURES / "user"


@pytest.fixture(autouse=True)
def _fixture_content(monkeypatch):
    # Our own banks, not the real content (which changes).
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "content"))
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")




def quiz(*args: str, input: str = "", env: dict | None = None) -> tuple[int, str, str]:
    return run(["quiz", "--seed", "1", "-n", "0", "--lang", "en", *args], input=input, env=env)


def letter_of(out: str, choice_text: str) -> str:
    """The letter a choice was shown with (choices are shuffled)."""
    m = re.search(r"([a-h])\) " + re.escape(choice_text) + r"\s*│", out)
    assert m, f"choice {choice_text!r} not shown"
    return m.group(1)


def shown_question(type_: str) -> str:
    """The first screen of a one-question quiz, to learn the choice letters."""
    code, out, _ = quiz("--topic", "fx", "--type", type_, input="q\n")
    assert code == 0
    return out


# -- every question type, right and wrong


def test_single_choice_right_and_wrong():
    out = shown_question("single_choice")
    right, wrong = letter_of(out, "N, H, W"), letter_of(out, "H, W")
    code, out, _ = quiz("--topic", "fx", "--type", "single_choice", input=f"{right}\n")
    assert code == 0 and "✓ Correct" in out and "Score: 1/1 correct (100%)" in out
    assert "One mean per channel." in out                                    # why of the right choice
    assert "BN shares statistics over the batch" in out                      # explanation
    assert "Ioffe & Szegedy 2015" in out                                     # refs
    code, out, _ = quiz("--topic", "fx", "--type", "single_choice", input=f"{wrong.upper()}\n")
    assert "✗ Wrong" in out and "That is InstanceNorm." in out
    assert "Score: 0/1 correct" in out and re.search(r"Missed\s*│\s*│\s+fx-single", out)


def test_multiple_choice_needs_all_correct_letters():
    out = shown_question("multiple_choice")
    mean, var, weight = (letter_of(out, t) for t in ("running_mean", "running_var", "weight"))
    code, out, _ = quiz("--topic", "fx", "--type", "multiple_choice", input=f"{var} {mean}\n")
    assert "✓ Correct" in out
    code, out, _ = quiz("--topic", "fx", "--type", "multiple_choice", input=f"{mean}\n")
    assert "✗ Wrong" in out and "Score: 0/1" in out
    # Found in QA: every correct choice had the same ✓, picked or left out.
    assert re.search(rf"✓ {var}\) running_var  \(missed\)", out)
    assert not re.search(rf"✓ {mean}\) running_mean  \(missed\)", out)
    code, out, _ = quiz("--topic", "fx", "--type", "multiple_choice", input=f"{mean},{var},{weight}\n")
    assert "✗ Wrong" in out


def test_invalid_answer_asks_again():
    code, out, _ = quiz("--topic", "fx", "--type", "single_choice", input="z\nq\n")
    assert code == 0 and "choose from a, b, c" in out and "Score: 0/0" in out


@pytest.mark.parametrize("given, ok", [("t", True), ("对", True), ("yes", True), ("f", False), ("错", False)])
def test_true_false(given, ok):
    code, out, _ = quiz("--topic", "fx", "--type", "true_false", input=f"{given}\n")
    assert code == 0
    assert ("✓ Correct" in out) is ok and ("✗ Wrong" in out) is (not ok)
    assert "Answer: true" in out or ok


@pytest.mark.parametrize("given, ok", [("128", True), ("１２８", True), ("127", False)])
def test_numeric(given, ok):
    code, out, _ = quiz("--topic", "fx", "--type", "numeric", input=f"{given}\n")
    assert ("✓ Correct" in out) is ok
    if not ok:
        assert "Answer: 128" in out and "you said: 127" in out


def test_numeric_tolerance():
    code, out, _ = quiz("--topic", "fy", "--type", "numeric", input="0.1005\n")
    assert "✓ Correct" in out and "within ±0.001" in out
    code, out, _ = quiz("--topic", "fy", "--type", "numeric", input="0.12\n")
    assert "✗ Wrong" in out and "Answer: 0.1 (±0.001)" in out


@pytest.mark.parametrize("given, ok", [("h,w", True), ("Ｈ，Ｗ", True), ("  HW ", True), ("C", False)])
def test_short_answer(given, ok):
    code, out, _ = quiz("--topic", "fx", "--type", "short_answer", input=f"{given}\n")
    assert ("✓ Correct" in out) is ok
    assert "Answer: H, W   also accepted: HW" in out


def test_flashcard_reveal_and_self_grade():
    code, out, _ = quiz("--topic", "fx", "--type", "flashcard", input="\n3\n")
    assert code == 0
    assert "Only the largest singular value is needed" in out and "Graded: good" in out
    assert "Score: 1/1" in out
    code, out, _ = quiz("--topic", "fx", "--type", "flashcard", input="\n1\n")
    assert "Graded: again" in out and "Score: 0/1" in out and "fx-card" in out.split("Missed")[1]


# -- keys: skip, quit, EOF, Ctrl-C, help


def test_skip_with_enter_and_s_then_finish():
    code, out, _ = quiz("--topic", "fy", input="\ns\n")
    assert code == 0
    assert out.count("skipped") >= 2 and "Score: 0/0 correct · 2 skipped" in out
    assert re.search(r"Skipped\s*│\s*│\s+fy-", out)


def test_quit_exits_zero_with_summary():
    code, out, _ = quiz("--topic", "fy", input="q\n")
    assert code == 0 and "Summary" in out and "2 not answered" in out


def test_eof_ends_cleanly():
    code, out, err = quiz(input="t\n")          # input ends after one answer
    assert code == 0 and "Summary" in out and err == ""
    assert "Traceback" not in out


def test_ctrl_c_ends_with_summary(monkeypatch):
    lines = iter(["s"])

    def reader(console):
        def read(prompt: str) -> str:
            try:
                return next(lines)
            except StopIteration:
                raise KeyboardInterrupt from None
        return read

    monkeypatch.setattr("quizcli.ui.keys.echoing_reader", reader)
    code, out, err = quiz()
    assert code == 130 and "Summary" in out and "1 skipped" in out and "Traceback" not in out + err


def test_help_key_and_escaped_command_word():
    code, out, _ = quiz("--topic", "fx", "--type", "short_answer", input="?\n\\q\n")
    assert "Enter or s skips" in out
    assert "✗ Wrong" in out and "you said: q" in out      # \q answered "q" instead of quitting


def test_every_answer_reaches_the_progress_callback(monkeypatch):
    import quizcli.sessions.quiz as session_mod

    events = []
    real = session_mod.QuizSession

    def recording(*args, **kw):
        kw["on_answer"] = events.append
        return real(*args, **kw)

    monkeypatch.setattr(session_mod, "QuizSession", recording)
    # Valid whichever comes first: "t" is re-asked if the number comes first.
    code, out, _ = quiz("--topic", "fy", input="t\n0.1\nt\n")
    assert code == 0 and sorted(e.question_id for e in events) == ["fy-gan", "fy-tol"]
    assert all(e.correct and e.mode == "quiz" and e.at.tzinfo is not None for e in events)


# -- seed, filters, banks, language


def test_seed_reproduces_the_whole_session():
    a = quiz(input="a\n\nq\n")[1]
    b = quiz(input="a\n\nq\n")[1]
    assert a == b
    firsts = {re.search(r"1/\d+ · \w+ · [^·]+", quiz("--seed", str(s), input="q\n")[1]).group(0) for s in range(8)}
    assert len(firsts) > 1


def test_count_and_filters():
    code, out, _ = quiz("-n", "2", input="q\n")
    assert "1/2 ·" in out
    code, out, _ = quiz("--tag", "gan", input="q\n")
    assert "1/1 · fy · true or false" in out
    code, out, _ = quiz("--difficulty", "4-5", input="q\n")
    assert "1/1 · fx · flashcard" in out


def test_unknown_topic_lists_valid_ones():
    code, out, err = quiz("--topic", "nope")
    assert code == 4 and "unknown topic: nope" in err and "fx, fy" in err and "Traceback" not in err


def test_unknown_tag_and_bad_difficulty():
    code, _, err = quiz("--tag", "nope")
    assert code == 4 and "unknown tag: nope" in err and "pytorch" in err
    code, _, err = quiz("--difficulty", "9")
    assert code == 2 and "--difficulty" in err


def test_no_match_is_an_error():
    code, _, err = quiz("--topic", "fy", "--type", "flashcard")
    assert code == 4 and "no questions match" in err


def test_user_bank_by_option_and_env(monkeypatch):
    code, out, _ = quiz("--bank", str(USER / "mine.yaml"), "--topic", "mine", input="t\n")
    assert code == 0 and "ReLU is zero" in out and "✓ Correct" in out
    monkeypatch.setenv("QUIZCLI_BANKS", str(USER))
    code, out, _ = quiz("--topic", "mine", input="t\n")
    assert code == 0 and "ReLU is zero" in out


def test_missing_bank_path_is_a_clear_error():
    code, out, err = quiz("--bank", "/nonexistent/bank.yaml")
    assert code != 0 and "/nonexistent/bank.yaml" in err and "Traceback" not in out + err


def test_chinese_and_fallback_marker():
    code, out, _ = run(["quiz", "--seed", "1", "--lang", "zh", "--topic", "fx", "--type", "true_false"], input="对\n")
    assert "在 eval 模式下 BatchNorm 使用滑动平均统计量" in out and "✓ 正确" in out
    code, out, _ = run(["quiz", "--lang", "zh", "--bank", str(USER / "mine.yaml"), "--topic", "mine"], input="q\n")
    assert "[en] ReLU is zero for negative inputs." in out


def test_count_from_config_and_option():
    paths.config_path().write_text("count = 1\n", encoding="utf-8")
    code, out, _ = run(["quiz", "--seed", "1", "--lang", "en"], input="q\n")
    assert code == 0 and "1/1 ·" in out
    code, out, _ = run(["quiz", "--seed", "1", "--lang", "en", "-n", "3"], input="q\n")
    assert "1/3 ·" in out


def test_lang_from_config(monkeypatch):
    paths.config_path().write_text('lang = "zh"\n', encoding="utf-8")
    code, out, _ = run(["quiz", "--topic", "fx", "--type", "true_false"], input="q\n")
    assert "在 eval 模式下" in out


# -- demos


@pytest.fixture
def demo_bank(monkeypatch):
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demo" / "demos")
    return str(FIXTURES / "demo" / "withdemo.yaml")


def _seed_asking_first(bank: str, topic: str, topics: tuple[str, ...], qtype: str) -> int:
    """A seed whose quiz over these filters asks a question of `topic` first (the quiz's own draw)."""
    from quizcli.bank import load_library
    from quizcli.selection import Filters, parse_types, select
    from quizcli.sessions.quiz import draw

    candidates = select(load_library([Path(bank)]), Filters(topics, (), parse_types([qtype])))
    return next(seed for seed in range(100) if draw(candidates, seed, 10)[0].bank_id == topic)


def test_demo_key_runs_the_demo_and_the_session_goes_on(monkeypatch, demo_bank):
    calls = []
    fake = types.ModuleType("quizcli.ui.demo")

    def show_demo(console, demo_id, *, lang, seed, **_):
        calls.append((demo_id, lang, seed))
        console.print("DEMO RAN")

    fake.show_demo = show_demo
    monkeypatch.setitem(sys.modules, "quizcli.ui.demo", fake)
    seed = _seed_asking_first(demo_bank, "withdemo", ("withdemo", "fy"), "true_false")
    code, out, _ = run(["quiz", "--seed", str(seed), "--lang", "en", "--bank", demo_bank, "--topic", "withdemo",
                        "--topic", "fy", "--type", "true_false"], input="t\nd\n\nt\n")
    assert code == 0 and "1/2 · withdemo" in out
    assert "d run the demo" in out and "fixture_demo" in out
    # The quiz's --seed orders questions; the demo runs with its own default seed (#14).
    assert calls == [("fixture_demo", "en", 0)]
    assert "DEMO RAN" in out
    assert out.index("DEMO RAN") < out.index("2/")                 # the next question follows the demo
    # After the demo the quiz waits for Enter: the Enter is read before question 2.
    assert out.index("DEMO RAN") < out.rindex("Enter", 0, out.index("2/"))


def test_demo_engine_missing_is_a_message(monkeypatch, demo_bank):
    monkeypatch.setitem(sys.modules, "quizcli.ui.demo", None)      # import fails
    code, out, _ = run(["quiz", "--lang", "en", "--bank", demo_bank, "--topic", "withdemo"], input="t\nd\n")
    assert code == 0 and "Demos cannot run" in out and "Summary" in out


def test_enter_skips_the_demo(monkeypatch, demo_bank):
    monkeypatch.setitem(sys.modules, "quizcli.ui.demo", None)
    code, out, _ = run(["quiz", "--lang", "en", "--bank", demo_bank, "--topic", "withdemo"], input="t\n\n")
    assert code == 0 and "Demos cannot run" not in out and "Score: 1/1" in out


# -- bank text is shown literally


def test_markup_and_escapes_from_banks_are_inert():
    env = {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"}
    code, out, _ = quiz("--bank", str(USER / "hostile.yaml"), "--topic", "hostile", input="t\n", env=env)
    assert code == 0
    assert "\x1b[" in out                                     # colour is on, so Rich would style
    assert "[red]RED[/red]" in out and "[link=http://x]LINK[/link]" in out
    assert "[blink]still literal[/blink]" in out
    assert "\\x1b[31mCSI\\x1b[0m" in out and "\\x1b]0;PWNED\\x07" in out and "\\x1b[2J" in out
    for raw in ("\x1b[31mCSI", "\x1b]0;", "\x07", "\x1b[2J", "\x1b[5m", "\x1b]8;"):
        assert raw not in out, f"{raw!r} reached the terminal"


def test_no_color_has_no_colour_codes():
    env = {"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm-256color"}
    code, out, _ = quiz("--topic", "fx", "--type", "true_false", input="f\n", env=env)
    assert code == 0 and "✗ Wrong" in out
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)", out), "colour codes despite NO_COLOR"
    env["NO_COLOR"] = None
    out = quiz("--topic", "fx", "--type", "true_false", input="f\n", env=env)[1]
    assert re.search(r"\x1b\[[0-9;]*3[0-9]", out)             # the same run with colour has colour


def test_plain_pipe_output_has_no_escape_codes():
    code, out, _ = quiz("--topic", "fx", "--type", "true_false", input="t\n", env={"NO_COLOR": None})
    assert "\x1b" not in out and "> t" in out                  # the answer is echoed in a pipe


# -- layout at 80 columns (found in QA)


def test_help_key_wraps_cleanly_at_80_columns():
    # The help text had hard line breaks at ~90 columns: at 80 every long
    # line wrapped again and left one or two orphan words on a line.
    code, out, _ = quiz("--topic", "fx", "--type", "short_answer", input="?\nq\n", env={"COLUMNS": "80"})
    help_lines = out[out.index("Answer with a choice letter"):out.index("type \\q or \\s") + len("type \\q or \\s")].splitlines()
    assert all(len(line) <= 80 for line in help_lines)
    assert all(len(line.split()) >= 3 for line in help_lines), help_lines


def test_summary_shows_missed_ids_in_full_at_80_columns(tmp_path):
    # The id is what `quizcli show ID` needs; it was cut to "hyperparamete…".
    long_id = "mine-a-rather-long-question-id-01"
    bank = (USER / "mine.yaml").read_text(encoding="utf-8").replace("mine-relu", long_id).replace(
        "ReLU is zero for negative inputs.", "ReLU（线性整流）is zero for negative inputs, " * 3)
    (tmp_path / "mine.yaml").write_text(bank, encoding="utf-8")
    code, out, _ = quiz("--topic", "mine", "--bank", str(tmp_path / "mine.yaml"), input="f\n", env={"COLUMNS": "80"})
    missed = out[out.index("Missed"):]
    assert code == 0 and long_id in missed
    # ...and the prompt gives way with an ellipsis, inside the panel's border.
    row = next(line for line in missed.splitlines() if long_id in line)
    assert row.endswith("… │") and cell_len(row) == 80


def test_unknown_tag_suggests_near_matches_only():
    # Found in QA: a typo listed all ~170 tags of the real banks.
    code, _, err = quiz("--tag", "pytroch")
    assert code == 4 and "did you mean: pytorch?" in err and "known tags" not in err


def test_demo_key_runs_a_demo_that_a_bank_given_with_bank_brings(monkeypatch, tmp_path):
    # Found in QA: `quiz --bank mine.yaml` validated the bank's own demo, but
    # `d` said "no demo with the id" (only `explain` looked beside --bank).
    from quizcli.demo import folders

    monkeypatch.setattr(folders, "_extra_banks", [])
    demos = Path(__file__).parent / "fixtures" / "demos"
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "mine_demo.py").write_text(
        (demos / "fx_pass.py").read_text(encoding="utf-8").replace('"fx_pass"', '"mine_demo"'), encoding="utf-8")
    bank = (USER / "mine.yaml").read_text(encoding="utf-8").replace("    difficulty: 1", "    difficulty: 1\n    demo: mine_demo")
    (tmp_path / "mine.yaml").write_text(bank, encoding="utf-8")
    assert run(["bank", "trust", str(tmp_path / "mine.yaml")])[0] == 0
    code, out, err = quiz("--topic", "mine", "--bank", str(tmp_path / "mine.yaml"), input="t\nd\n")
    assert code == 0, out + err
    assert "no demo with the id" not in out + err
    assert "Demo: Fixture that passes  (mine_demo)" in out and "Verdict: true" in out and "Summary" in out


def test_a_warm_quiz_builds_only_the_questions_it_asks(monkeypatch, tmp_path):
    """From the bank index, a quiz of two builds two questions, not every bank."""
    import os
    import shutil

    from quizcli.bank import library as library_mod

    # A copy dated back: no index is written for files changed just now (index._RACY_NS).
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    for f in content.rglob("*"):
        os.utime(f, (f.stat().st_atime - 60, f.stat().st_mtime - 60))
    monkeypatch.setenv("QUIZCLI_CONTENT", str(content))
    assert quiz("-n", "2", input="q\n")[0] == 0        # writes the bank cache and the index
    built = []
    real = library_mod.build_bank

    def counting(b, source, builtin):
        built.extend(q["id"] for q in b["questions"])
        return real(b, source, builtin)

    monkeypatch.setattr(library_mod, "build_bank", counting)
    code, out, _ = quiz("-n", "2", input="\n\n")
    assert code == 0 and "1/2 ·" in out and "2/2 ·" in out, out
    assert len(built) == 2, built


# -- after an answer (#14)


def test_every_choice_says_why_after_the_answer():
    out = shown_question("single_choice")
    right = letter_of(out, "N, H, W")
    code, out, _ = quiz("--topic", "fx", "--type", "single_choice", input=f"{right}\n")
    assert all(why in out for why in ("One mean per channel.", "That is InstanceNorm.", "That is LayerNorm."))


def test_skipping_shows_the_answer():
    code, out, _ = quiz("--topic", "fx", "--type", "numeric", input="s\n")
    assert code == 0 and "skipped · answer: " in out
    code, out, _ = quiz("--topic", "fx", "--type", "single_choice", input="\n")
    assert re.search(r"skipped · answer: [a-c]\) N, H, W", out), out


def test_i_was_right_after_a_wrong_auto_grade():
    from quizcli.store import open_store

    code, out, _ = quiz("--topic", "fx", "--type", "short_answer", input="layer norm\nr\n")
    assert code == 0 and "✗ Wrong" in out and "r I was right" in out
    assert "Counted as right" in out and "Score: 1/1 correct" in out
    with open_store() as store:
        assert store.query("SELECT question_id, correct, overridden FROM answers") == [("fx-short", 1, 1)]


def test_unknown_key_after_an_answer_asks_again_and_help_shows_the_keys():
    code, out, _ = quiz("--topic", "fx", "--type", "true_false", input="f\nx\n?\n\n")
    assert code == 0
    assert "'x' is not a key here" in out
    assert "r after a wrong answer" in out                      # the help, at that prompt
    assert "Score: 0/1 correct" in out                          # x and ? did not move on or override
    from quizcli.store import open_store

    with open_store() as store:
        assert store.query("SELECT correct, overridden FROM answers") == [(0, 0)]


def test_missed_unseen_and_due():
    from datetime import datetime, timedelta, timezone

    from quizcli.scheduler import Scheduler
    from quizcli.sessions.quiz import AnswerEvent
    from quizcli.store import open_store

    quiz("--topic", "fx", "--type", "true_false", input="f\n\n")       # fx-tf wrong (it is true)
    quiz("--topic", "fx", "--type", "numeric", input="s\n")            # fx-num skipped
    quiz("--topic", "fx", "--type", "short_answer", input="H, W\n")    # fx-short right
    code, out, _ = quiz("--topic", "fx", "--missed", input="q\n")
    assert code == 0 and "1/2 · fx" in out
    asked = set(re.findall(r"· (true or false|number|short answer) ·", out))
    assert asked <= {"true or false", "number"}
    code, out, _ = quiz("--topic", "fx", "--unseen", input="q\n")
    assert "1/3 · fx" in out                                             # single, multiple, flashcard
    # A right answer takes it off the missed list; a skip puts it back.
    quiz("--topic", "fx", "--type", "true_false", input="t\n")
    code, out, _ = quiz("--topic", "fx", "--missed", input="q\n")
    assert "1/1 · fx · number" in out
    code, out, err = quiz("--topic", "fx", "--due", input="q\n")
    assert code == 4 and "--due" in err
    card, _ = Scheduler().review(None, 3, datetime.now(timezone.utc) - timedelta(days=30))
    with open_store() as store:
        store.record_review(AnswerEvent("fx-multi", card.last_review, "a", True, None, 1.0, "review"), 3, None, card)
    code, out, _ = quiz("--topic", "fx", "--due", input="q\n")
    assert code == 0 and "1/1 · fx · multiple choice" in out
