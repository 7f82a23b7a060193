"""Help that reads well, in English and in Chinese (issue 19)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from quizcli import i18n


def _commands():
    """(path, click command) for every command, those of the groups included."""
    import typer

    from quizcli.cli import app

    root = typer.main.get_command(app)
    out = []

    def walk(group, prefix):
        for name in group.list_commands(None):
            cmd = group.get_command(None, name)
            path = f"{prefix} {name}".strip()
            if hasattr(cmd, "list_commands"):
                out.append((path, cmd))
                walk(cmd, path)
            else:
                out.append((path, cmd))

    walk(root, "")
    return root, out


ROOT, COMMANDS = _commands()
LEAVES = [(p, c) for p, c in COMMANDS if not hasattr(c, "list_commands")]


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[p for p, _c in COMMANDS])
def test_every_command_has_a_short_help_of_its_own_in_both_languages(path, cmd):
    assert cmd.short_help, f"`quizcli {path}` has no short_help: `quizcli --help` would cut its docstring"
    assert len(cmd.short_help) <= 72 and "\n" not in cmd.short_help, cmd.short_help
    i18n.set_lang("zh")
    assert i18n._(cmd.short_help) != cmd.short_help, f"no zh translation of {cmd.short_help!r}"


@pytest.mark.parametrize("path, cmd", LEAVES, ids=[p for p, _c in LEAVES])
def test_every_command_has_examples_and_a_click_usage_line(path, cmd):
    from typer.testing import CliRunner

    from quizcli.cli import app

    result = CliRunner().invoke(app, [*path.split(), "--help"], env={"LANG": "en_US.UTF-8", "COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    usage = result.output.splitlines()[0]
    assert "{" not in usage and "}" not in usage, usage
    assert "\nExamples:\n" in result.output.replace("  Examples:", "Examples:"), f"`quizcli {path} --help` has no Examples"


def test_usage_names_several_arguments_as_click_does():
    from typer.testing import CliRunner

    from quizcli.cli import app

    out = CliRunner().invoke(app, ["bank", "validate", "--help"]).output
    assert out.splitlines()[0] == "Usage: quizcli bank validate [OPTIONS] PATH..."
    out = CliRunner().invoke(app, ["demos", "verify", "--help"]).output
    assert out.splitlines()[0] == "Usage: quizcli demos verify [OPTIONS] [ID]..."
    out = CliRunner().invoke(app, ["show", "--help"]).output
    assert out.splitlines()[0] == "Usage: quizcli show [OPTIONS] ID"


def _help(env_lang: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "quizcli", *args, "--help"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": env_lang, "COLUMNS": "100"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_quizcli_help_in_a_chinese_locale_shows_the_chinese_lines():
    out = _help("zh_CN.UTF-8")
    assert "深度学习面试的测验与记忆卡片" in out
    commands = out.split("Commands:")[1]
    for path, cmd in COMMANDS:
        if " " in path:
            continue
        line = next(line for line in commands.splitlines() if line.strip().startswith(path + " "))
        assert not any(w in line for w in cmd.short_help.split()[:2] if w.isascii() and w.isalpha()), line
    assert "...\n" not in commands


def test_quizcli_help_in_english_is_whole():
    out = _help("en_US.UTF-8")
    commands = out.split("Commands:")[1]
    assert "..." not in commands
    for path, cmd in COMMANDS:
        if " " not in path:
            assert cmd.short_help in " ".join(commands.split()), path


def test_group_help_in_chinese():
    out = _help("zh_CN.UTF-8", "progress")
    assert "把备份合并到你的学习进度中。" in out and "Merge a backup" not in out


def test_the_shared_options_read_the_same_everywhere():
    """--bank, --lang, --type, --topic, --tag: one help text each (quizcli.commands.options)."""
    from quizcli.commands import options

    seen: dict[str, set[str]] = {}
    for path, cmd in LEAVES:
        for param in cmd.params:
            for name in ("--bank", "--type", "--topic", "--tag"):
                if name in getattr(param, "opts", ()):
                    seen.setdefault(name, set()).add(param.help)
            if "--lang" in getattr(param, "opts", ()) and path != "export":
                seen.setdefault("--lang", set()).add(param.help)
    assert seen["--bank"] == {options.BANK_HELP}
    assert seen["--type"] == {options.TYPE_HELP}
    assert seen["--topic"] == {options.TOPIC_HELP}
    assert seen["--tag"] == {options.TAG_HELP}
    assert seen["--lang"] == {options.LANG_HELP}


def test_import_lang_defaults_like_the_other_commands():
    from quizcli.commands.export import import_

    import inspect

    assert inspect.signature(import_).parameters["lang"].default is None
