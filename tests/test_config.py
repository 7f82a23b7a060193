"""The config file and the choice of language."""

from __future__ import annotations

import pytest

from quizcli import config, paths
from quizcli.errors import ExitCode, QuizcliError


def _write(text: str):
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults():
    assert config.load() == config.Config(lang=None, count=config.DEFAULT_COUNT)


def test_reads_lang_and_count():
    _write('# mine\nlang = "zh"\ncount = 5\n')
    assert config.load() == config.Config(lang="zh", count=5)


@pytest.mark.parametrize("text, line, words", [
    ('lang = "fr"\n', 1, "lang"),
    ('count = 3\ncolour = "red"\n', 2, "unknown key 'colour'"),
    ('count = -1\n', 1, "count"),
    ('count = "ten"\n', 1, "count"),
    ('lang = zh\n', 1, "TOML"),
])
def test_bad_config_names_file_line_and_fix(text, line, words):
    path = _write(text)
    with pytest.raises(QuizcliError) as info:
        config.load()
    err = info.value
    assert err.exit_code == ExitCode.BAD_INPUT
    assert f"{path}:{line}" in err.message and words in err.message
    assert "valid keys" in err.hint


def test_flat_parser_used_without_tomllib(tmp_path):
    path = tmp_path / "c.toml"
    assert config._parse_flat('lang = "en"  # comment\n\ncount = 4\n', path) == {"lang": "en", "count": 4}
    with pytest.raises(QuizcliError, match=":2:"):
        config._parse_flat('lang = "en"\n[table]\n', path)


@pytest.mark.parametrize("env, lang", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_TW.UTF-8", "LC_ALL": "C"}, "en"),      # LC_ALL wins
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN"}, "zh"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_US"}, "zh"),
    ({"LANGUAGE": "", "LANG": "zh_HK"}, "zh"),
])
def test_locale_lang(env, lang):
    assert config.locale_lang(env) == lang


def test_resolve_lang_order(monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert config.resolve_lang(None) == "zh"                 # the locale
    _write('lang = "en"\n')
    assert config.resolve_lang(None) == "en"                 # the config file beats the locale
    assert config.resolve_lang("zh") == "zh"                 # the option beats both
    with pytest.raises(QuizcliError) as info:
        config.resolve_lang("fr")
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize("text, chinese", [
    ('ui_lang = "zh"\n', True),
    ('lang = "zh"\n', True),                   # the interface follows the questions' language
    ('lang = "zh"\nui_lang = "en"\n', False),
    ("", False),                               # no language in the file: the locale's (C: English)
    ("lang = [\n", False),                     # a broken file: the locale's; commands that use it report it
])
def test_commands_without_lang_follow_the_config(text, chinese, monkeypatch):
    """`progress ...` has no --lang and never calls resolve_lang: the root command sets the language."""
    import re

    from cli_run import run

    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "QUIZCLI_UI_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    _write(text)
    code, out, err = run(["progress", "unsuspend", "no-such-card"])
    assert code == ExitCode.NOT_FOUND
    assert (re.search(r"[\u4e00-\u9fff]", out + err) is not None) == chinese, out + err


@pytest.fixture
def config_reads(monkeypatch):
    """How many times the config file has been read (its bytes, not a stat)."""
    from quizcli import files

    reads = []
    real = files.read_regular

    def counting(path, *args, **kwargs):
        if str(path) == str(paths.config_path()):
            reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files, "read_regular", counting)
    return reads


@pytest.mark.parametrize("args", [
    ["quiz", "--lang", "en", "--topic", "no-such-topic"],     # loads the config itself, then resolve_lang
    ["list", "--lang", "en"],                                 # resolve_lang loads it
])
def test_a_run_reads_the_config_file_once(args, config_reads):
    from cli_run import run

    _write('lang = "zh"\ncount = 3\n')
    code, out, err = run(args)
    assert len(config_reads) == 1, (code, out, err)
    assert code in (ExitCode.OK, ExitCode.NOT_FOUND), out + err
    run(args)                                                  # the next run reads it afresh
    assert len(config_reads) == 2
    assert config.load() == config.Config(lang="zh", count=3) and len(config_reads) == 3


def test_a_bad_config_is_read_once_and_reported_by_the_command(config_reads):
    """The root command reads it and says nothing; `quiz` reports it: file, line, field, exit code."""
    from cli_run import run

    path = _write('count = 3\nlang = "fr"\n')
    code, out, err = run(["quiz", "--lang", "en"])
    text = "".join(err.split())                                # the message is wrapped to the terminal
    assert code == ExitCode.BAD_INPUT
    assert f"{path}:2:langmustbe" in text and "validkeys" in text, err
    assert "Traceback" not in out + err
    assert len(config_reads) == 1
