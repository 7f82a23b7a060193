"""`quizcli explain`, `quizcli demos list` and `quizcli demos verify`, driven through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import paths
from quizcli.cli import main

from cli_run import run  # tests/ is on sys.path

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _fixtures(monkeypatch):
    monkeypatch.setenv("QUIZCLI_CONTENT", str(FIXTURES / "demo_content"))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")




def test_explain_a_demo_shows_table_checks_verdict_and_curves():
    code, out, err = run(["explain", "fx_pass", "--device", "cpu"])
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("Demo: Fixture that passes")
    assert "Claim: Adding 1 makes numbers larger." in out
    for part in ("arm", "control", "treatment", "✓ pass  treated mean > control mean + 0.5",
                 "Verdict: true", "The mean rose from", "values", "• control   + treatment", "seed 0 · device cpu"):
        assert part in out, part
    # Order: table, checks, verdict, curves.
    assert out.index("control") < out.index("✓ pass") < out.index("Verdict:") < out.index("• control")


def test_explain_a_question_shows_its_answer_first():
    code, out, _ = run(["explain", "fx-pass-q", "--device", "cpu"])
    assert code == 0
    assert out.index("Does adding 1 make a number larger?") < out.index("Answer: true") \
        < out.index("x + 1 > x") < out.index("Demo: Fixture that passes")


def test_explain_a_question_without_demo():
    code, out, _ = run(["explain", "fx-no-demo-q"])
    assert code == 0
    assert "Answer: 4" in out and "has no demo" in out


def test_explain_in_chinese():
    code, out, _ = run(["explain", "fx_pass", "--lang", "zh", "--device", "cpu", "--seed", "1"])
    assert code == 0 and "通过的测试样例" in out and "均值从" in out and "随机种子 1" in out


def test_explain_json():
    code, out, _ = run(["explain", "fx-pass-q", "--json", "--device", "cpu", "--seed", "2"])
    assert code == 0
    data = json.loads(out)
    assert data["question"] == "fx-pass-q" and data["id"] == "fx_pass"
    assert data["status"] == "ok" and data["verdict"] == "true" and data["seed"] == 2
    assert data["result"]["checks"][0]["passed"] is True
    assert data["meta"]["claims"] == ["fx_claim_a"]


def test_explain_without_treatment_is_not_reproduced_and_exits_1():
    code, out, _ = run(["explain", "fx_pass", "--no-treatment", "--device", "cpu"])
    assert code == 1
    assert "✗ FAIL" in out and "Verdict: not reproduced in this run" in out
    assert "switched off" in out and "The mean rose" not in out


def test_explain_a_crashing_demo_exits_5_with_a_message():
    code, out, err = run(["explain", "fx_raise", "--device", "cpu"])
    assert code == 5
    assert "The demo failed: the demo raised ValueError at fx_raise.py:18" in out
    assert "Traceback" not in out + err


def test_explain_nan_and_timeout():
    code, out, _ = run(["explain", "fx_nan", "--device", "cpu"])
    assert code == 5 and "NaN in check 'loss < 1'" in out
    code, out, _ = run(["explain", "fx_hang", "--device", "cpu", "--timeout", "0.5"])
    assert code == 5 and "timed out" in out and "0.5 s" in out


def test_explain_unknown_id():
    code, _, err = run(["explain", "nope"])
    assert code == 4 and "neither a question id nor a demo id" in err


def test_explain_bad_device():
    code, _, err = run(["explain", "fx_pass", "--device", "tpu"])
    assert code == 2 and "tpu" in err


def test_explain_plot_saves_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "figs" / "out.png"
    code, out, _ = run(["explain", "fx_pass", "--device", "cpu", "--plot", str(target)])
    assert code == 0 and f"Saved the figure to {target}" in out.replace("\n", "")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demos_list_shows_ids_titles_claims_and_questions():
    code, out, _ = run(["demos", "list"])
    assert code == 0
    assert "fx_pass" in out and "Fixture that passes" in out
    assert "claims: fx_claim_a" in out and "questions: fx-pass-q" in out
    assert "6 demos" in out


def test_demos_list_wraps_long_question_lists_under_their_demo(monkeypatch):
    # Found in QA: a long "questions:" line wrapped to column 0, under the ids.
    from quizcli.commands import demos as cmd

    many = [f"fx-pass-question-number-{i}" for i in range(8)]
    monkeypatch.setattr(cmd, "_question_links", lambda bank: ({"fx_pass": many}, None))
    runner = CliRunner()
    with runner.isolation(env={"COLUMNS": "80"}) as (out, _, _):
        try:
            main(["demos", "list"])
        except SystemExit:
            pass
        sys.stdout.flush()
        text = out.getvalue().decode()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("fx_pass "))
    indent = lines[start].index("Fixture that passes")
    block = lines[start + 1:start + 5]
    assert all(line[:indent].strip() == "" for line in block), block
    assert all(name in text for name in many)


def test_demos_list_json():
    code, out, _ = run(["demos", "list", "--json"])
    data = {d["id"]: d for d in json.loads(out)}
    assert code == 0 and data["fx_pass"]["questions"] == ["fx-pass-q"]
    assert data["fx_hang"]["timeout"] == 1.5 and data["fx_fail"]["verdict"] == "false"


def test_demos_list_reports_invalid_meta(monkeypatch):
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "bad_demos")
    code, out, err = run(["demos", "list"])
    assert code == 3
    assert "bad_result" in out
    assert "bad_meta.py:6: META.id" in err


def test_verify_passing_demos_exits_0():
    code, out, _ = run(["demos", "verify", "fx_pass", "--jobs", "2"])
    assert code == 0, out
    assert "fx_pass" in out and "ok" in out and "verdict" in out and "1 passed" in out


def test_verify_everything_reports_each_failure():
    code, out, _ = run(["demos", "verify", "--json", "--jobs", "2", "--timeout", "5",
                        "fx_pass", "fx_fail", "fx_raise", "fx_nan", "fx_hang"])
    data = json.loads(out)
    status = {d["id"]: d["status"] for d in data["demos"]}
    assert status == {"fx_pass": "ok", "fx_fail": "failed-checks", "fx_raise": "error", "fx_nan": "nan",
                      "fx_hang": "timeout"}
    assert code == 5 and data["ok"] is False


def test_verify_only_failed_checks_exits_1_and_skips_long(tmp_path, monkeypatch):
    demos = tmp_path / "demos"
    demos.mkdir()
    (demos / "fx_fail.py").write_text((FIXTURES / "demos" / "fx_fail.py").read_text())
    long_demo = (FIXTURES / "demos" / "fx_pass.py").read_text().replace('"fx_pass"', '"fx_long"')
    (demos / "fx_long.py").write_text(long_demo.replace('"long": False', '"long": True'))
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: demos)
    code, out, _ = run(["demos", "verify"])
    assert code == 1
    assert "fx_fail" in out and "not reproduced in this run" in out
    assert "1 long skipped" in out and "fx_long" not in out
    code, out, _ = run(["demos", "verify", "--all", "--json"])
    assert {d["id"] for d in json.loads(out)["demos"]} == {"fx_fail", "fx_long"}


def test_verify_unknown_id():
    code, _, err = run(["demos", "verify", "nope"])
    assert code == 4 and "nope" in err


def test_demo_commands_do_not_import_torch():
    # The parent process never imports torch, numpy or matplotlib: only the demo's child does,
    # or the fork server that `demos verify` forks it from (QUIZCLI_DEMO_FORK=1: even for two demos).
    code = (
        "import sys\n"
        "from quizcli.cli import main\n"
        "for args in (['--help'], ['explain', '--help'], ['demos', 'list'], ['explain', 'fx_pass', '--device', 'cpu'],\n"
        "             ['demos', 'verify', 'fx_pass', 'fx_torch', '--jobs', '1']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('torch', 'numpy', 'matplotlib') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env_patch = f"import quizcli.paths as p, pathlib; p.builtin_demos_dir = lambda: pathlib.Path({str(FIXTURES / 'demos')!r})\n"
    env = {**__import__("os").environ, "QUIZCLI_DEMO_FORK": "1"}
    proc = subprocess.run([sys.executable, "-c", env_patch + code], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from quizcli.demo import forkserver

    if forkserver.supported():
        out = " ".join(proc.stdout.split())
        assert "2 passed" in out and "torch's import, done once per job" in out, out[-2000:]


def test_explain_in_a_real_terminal():
    pexpect = pytest.importorskip("pexpect")
    script = (
        "import pathlib, quizcli.paths as p\n"
        f"p.builtin_demos_dir = lambda: pathlib.Path({str(FIXTURES / 'demos')!r})\n"
        "from quizcli.cli import main\n"
        "main(['explain', 'fx_pass', '--device', 'cpu'])\n"
    )
    child = pexpect.spawn(sys.executable, ["-c", script], encoding="utf-8", timeout=60,
                          dimensions=(40, 80), env={**__import__("os").environ, "TERM": "xterm-256color"})
    child.expect("Verdict: ")
    child.expect("true")
    child.expect("seed 0")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_user_banks_demo_does_not_run_until_trusted(monkeypatch, tmp_path):
    from quizcli.demo import folders

    monkeypatch.setattr(folders, "_extra_banks", [])
    bank = tmp_path / "mine"
    (bank / "demos").mkdir(parents=True)
    (bank / "demos" / "my_demo.py").write_text(
        (FIXTURES / "demos" / "fx_pass.py").read_text().replace('"fx_pass"', '"my_demo"'))
    code, out, err = run(["explain", "my_demo", "--bank", str(bank), "--device", "cpu"])
    assert code == 5
    flat = " ".join(out.split())   # the error wraps and indents long paths
    assert "you have not trusted" in flat and f"quizcli bank trust {bank}" in flat
    assert "Verdict" not in out
    code, out, _ = run(["demos", "list", "--bank", str(bank)])
    assert "my_demo" in out and "untrusted: will not run" in out


def test_ctrl_c_stops_the_demo_not_the_terminal():
    pexpect = pytest.importorskip("pexpect")
    script = (
        "import pathlib, quizcli.paths as p\n"
        f"p.builtin_demos_dir = lambda: pathlib.Path({str(FIXTURES / 'demos')!r})\n"
        "from quizcli.cli import main\n"
        "main(['explain', 'fx_hang', '--device', 'cpu', '--timeout', '60'])\n"
    )
    child = pexpect.spawn(sys.executable, ["-c", script], encoding="utf-8", timeout=30, dimensions=(40, 80))
    child.expect("Claim: ")
    import time

    time.sleep(1.0)
    child.sendintr()
    child.expect("The demo was stopped \\(Ctrl-C\\)")   # not "stopped: stopped by the user"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_explain_shows_bank_text_literally():
    # Found in QA: `explain QUESTION_ID` printed the prompt and explanation
    # with raw escape sequences (ESC[2J cleared the screen) and Rich headers.
    hostile = Path(__file__).parent / "fixtures" / "quiz" / "user" / "hostile.yaml"
    code, out, err = run(["explain", "hostile-markup", "--bank", str(hostile), "--lang", "en"])
    assert code == 0, out + err
    assert "\x1b" not in out and "\x07" not in out
    assert "[red]RED[/red]" in out and "\\x1b[2J" in out and "[blink]still literal[/blink] \\x1b[5m" in out


def test_explain_plot_that_cannot_be_saved_fails_the_command(tmp_path):
    # Found in QA: "error: ... nothing to save" was printed, yet explain exited 0.
    pytest.importorskip("matplotlib")
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    code, out, err = run(["explain", "fx_pass", "--device", "cpu", "--plot", str(target / "out.png")])
    assert "Verdict: true" in out                      # the results are shown first
    assert code == 1 and "cannot save the figure" in err and "Traceback" not in out + err


def test_a_trusted_demo_that_changed_says_so(monkeypatch, tmp_path):
    # Found in QA: after a trusted demo file changed, the message said "which
    # you have not trusted", though the user had; it now says what changed.
    from quizcli.demo import folders

    monkeypatch.setattr(folders, "_extra_banks", [])
    bank = tmp_path / "mine"
    (bank / "demos").mkdir(parents=True)
    demo = bank / "demos" / "my_demo.py"
    demo.write_text((FIXTURES / "demos" / "fx_pass.py").read_text().replace('"fx_pass"', '"my_demo"'))
    code, _, _ = run(["bank", "trust", str(bank)])
    assert code == 0
    demo.write_text(demo.read_text() + "\n# changed\n")
    code, out, err = run(["explain", "my_demo", "--bank", str(bank), "--device", "cpu"])
    flat = " ".join((out + err).split())   # wherever the message wraps
    assert code == 5 and "Verdict" not in out
    assert "changed since you trusted them" in flat and "review the changes" in flat


def test_verify_counts_demos_stopped_by_ctrl_c_apart_from_failures(monkeypatch):
    # Found in QA: after Ctrl-C, verify said "0 passed, 3 failed".
    from quizcli.demo import engine

    def run_many(infos, **kw):
        return [engine.DemoOutcome(demo_id=i.id, status=engine.INTERRUPTED, message="not run: stopped by the user",
                                   verdict=None, result=None, elapsed_s=0.0, seed=0, device="cpu", treatment=True,
                                   info=i) for i in infos]

    monkeypatch.setattr(engine, "run_many", run_many)
    code, out, _ = run(["demos", "verify", "fx_pass", "fx_fail"])
    assert code == 130 and "0 passed, 2 stopped" in out and "failed" not in out


def test_an_unavailable_device_is_a_message_without_a_traceback_hint():
    # Found in QA: "--device cuda: no CUDA GPU ..." was followed by "To see the
    # traceback: QUIZCLI_TRACEBACK=1 ...", though there was none to see.
    pytest.importorskip("torch")
    import platform

    if platform.system() == "Darwin":
        pytest.skip("mps may exist here")
    code, out, err = run(["explain", "fx_pass", "--device", "mps"])
    # Refused before the demo runs, as a bad argument (#14): nothing on stdout.
    assert code == 2 and out == "" and "--device mps" in err
    assert "traceback" not in (out + err).lower()


def test_a_negative_timeout_is_a_usage_error():
    code, out, err = run(["explain", "fx_pass", "--timeout", "-1"])
    assert code == 2 and "--timeout" in out + err


def test_demo_table_keeps_words_left_and_numbers_right():
    # Found in QA: every column after the first was right-justified, so a
    # column of words ("N, H, W (per channel)") wrapped flush right.
    import io

    from rich.console import Console

    from quizcli.demo import engine
    from quizcli.demo.api import Check, DemoResult, Table
    from quizcli.ui.demo import render_outcome

    result = DemoResult(settings={}, table=Table(columns=["norm", "statistics over", "value"],
                                                 rows=[["BN", "N, H, W", 1.5], ["IN", "H, W", "-"]]),
                        checks=[Check("c", 1.0, "<", 2.0)], finding={"en": "f", "zh": "f"})
    outcome = engine.DemoOutcome(demo_id="x", status=engine.OK, message="", verdict="true", result=result,
                                 elapsed_s=0.1, seed=0, device="cpu", treatment=True)
    console = Console(width=60, file=io.StringIO(), color_system=None)
    with console.capture() as cap:
        render_outcome(console, outcome, lang="en")
    lines = cap.get().splitlines()
    header = next(line for line in lines if line.startswith("norm"))
    bn, in_ = (next(line for line in lines if line.startswith(n)) for n in ("BN ", "IN "))
    col = header.index("statistics over")
    assert bn[col:].startswith("N, H, W") and in_[col:].startswith("H, W")      # words: left
    assert bn.rstrip().endswith("1.500") and in_.rstrip().endswith("-")        # numbers: right (4 significant digits)
    assert len(bn.rstrip()) == len(header.rstrip())
