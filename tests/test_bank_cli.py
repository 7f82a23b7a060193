"""`quizcli bank validate`, driven through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import paths
from quizcli.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"
runner = CliRunner()


pytestmark = pytest.mark.usefixtures("no_builtin")   # tests/conftest.py


def test_validate_clean_bank_exits_0():
    result = runner.invoke(app, ["bank", "validate", str(FIXTURES / "valid" / "single_language.yaml")])
    assert result.exit_code == 0, result.output
    assert "ok: no problems in 1 file, 1 bank, 2 questions" in result.output


def test_validate_reports_each_problem_with_location_and_fix():
    bad = FIXTURES / "invalid" / "unknown_key.yaml"
    result = runner.invoke(app, ["bank", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:14:5: error: questions[0].explanaton: unknown key `explanaton`" in result.output
    assert "help: did you mean `explanation`?" in result.output
    assert "2 problems in 1 file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_several_paths_together():
    folder = FIXTURES / "pairs" / "dup_question_id"
    result = runner.invoke(app, ["bank", "validate", str(folder / "a.yaml"), str(folder / "b.yaml")])
    assert result.exit_code == 1
    assert "question id `fx-shared` is already used" in result.output


def test_validate_prints_bank_text_literally():
    result = runner.invoke(app, ["bank", "validate", str(FIXTURES / "invalid" / "markup_in_key.yaml")])
    assert result.exit_code == 1
    assert "unknown key `[red]oops`" in result.output


def test_validate_json():
    bad = FIXTURES / "invalid" / "numeric_not_number.yaml"
    result = runner.invoke(app, ["bank", "validate", "--json", str(bad)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False and data["files"] == [str(bad)]
    [p] = data["problems"]
    assert (p["line"], p["field"]) == (10, "questions[0].answer")
    assert p["hint"]


def test_validate_missing_path_is_a_problem_not_a_traceback(tmp_path):
    result = runner.invoke(app, ["bank", "validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


def test_validate_needs_a_path():
    result = runner.invoke(app, ["bank", "validate"])
    assert result.exit_code == 2


def test_broken_user_bank_stops_a_command_cleanly(capsys):
    """Every command that loads banks validates them first: exit 3, no traceback."""
    from quizcli.cli import main

    bad = FIXTURES / "invalid" / "true_false_text.yaml"
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--bank", str(bad)])
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert f"{bad}:10:13: questions[0].answer" in err
    assert "Traceback" not in err


def test_validate_the_builtin_content(monkeypatch):
    content = Path(__file__).resolve().parent.parent / "content"
    monkeypatch.setenv(paths.ENV_CONTENT, str(content))
    result = runner.invoke(app, ["bank", "validate", str(content)])
    if "0 banks" in result.output:
        pytest.skip("content/ has no banks yet")
    assert result.exit_code == 0, result.output


def test_validate_shows_escape_sequences_as_text(tmp_path):
    bank = tmp_path / "esc.yaml"
    bank.write_text('format_version: 1\n"\\x1b[31mred": 1\n', encoding="utf-8")
    result = runner.invoke(app, ["bank", "validate", str(bank)])
    assert result.exit_code == 1
    assert "unknown key `\\x1b[31mred`" in result.output and "\x1b" not in result.output


def test_new_and_schema_to_a_path_that_cannot_be_written_are_clear_errors(tmp_path):
    # Found in QA: a folder or a path through a file ended in "internal error (a bug)".
    from cli_run import run

    def run_main(*args: str) -> tuple[int, str]:
        code, out, err = run(list(args))
        return code, out + err

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for args in (["bank", "new", "notes", "-o", str(blocker / "notes.yaml")],
                 ["bank", "schema", "-o", str(blocker / "s.json")],
                 ["bank", "schema", "-o", str(tmp_path)]):
        code, out = run_main(*args)
        assert code == 1 and "cannot write" in out and "internal error" not in out, (args, out)
