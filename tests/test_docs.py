"""The README stays honest: its commands exist, CI runs its test command, its numbers are real."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from quizcli.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ")]


def test_quick_start_has_exactly_two_commands():
    commands = _quick_start()
    assert len(commands) == 2, commands
    setup_and_quiz, setup_and_test = commands
    assert setup_and_quiz.endswith("quizcli quiz")
    assert "pytest" in setup_and_test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines[-1] == _quick_start()[1]


def _commands() -> list[str]:
    """Every command and sub-command name, from the app itself."""
    names = []
    for info in app.registered_commands:
        names.append(info.name or info.callback.__name__.replace("_", "-"))
    for group in app.registered_groups:
        names.append(group.name)
        for info in group.typer_instance.registered_commands:
            names.append(f"{group.name} {info.name or info.callback.__name__.replace('_', '-')}")
    return names


def test_every_command_is_in_the_readme_and_has_help():
    runner = CliRunner()
    commands = _commands()
    assert {"quiz", "topics", "list", "show", "explain", "review", "stats", "bank validate"} <= set(commands)
    for name in commands:
        assert f"quizcli {name}" in README, f"`quizcli {name}` is not in the README"
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage" in result.output


def test_bank_table_matches_the_banks():
    result = CliRunner().invoke(app, ["topics", "--json"])
    banks = {b["id"]: b["questions"] for b in json.loads(result.output)}
    table = dict(re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| (\d+) \|$", README, flags=re.M))
    assert {k: int(v) for k, v in table.items()} == banks
    total = re.search(r"\*\*total\*\* \| \*\*(\d+)\*\*", README)
    assert total and int(total.group(1)) == sum(banks.values())
