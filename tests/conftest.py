"""Every test runs with its own user folder and no user banks from the environment."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dir(tmp_path, monkeypatch):
    home = tmp_path / "quizcli-home"
    home.mkdir()
    monkeypatch.setenv("QUIZCLI_HOME", str(home))
    monkeypatch.delenv("QUIZCLI_BANKS", raising=False)
    monkeypatch.delenv("QUIZCLI_CONTENT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    # No warm demo worker (an import of torch) in every terminal session a
    # test starts; tests/test_demo_warm.py turns it on where it is the subject.
    monkeypatch.setenv("QUIZCLI_DEMO_WARM", "0")
    # `--bank` registers the bank's demos/ folder for the rest of the process
    # (quizcli.demo.folders.use_banks); no test sees those of an earlier one.
    from quizcli.demo import folders

    monkeypatch.setattr(folders, "_extra_banks", [])
    # The interface's language is set once per run (quizcli.i18n.set_lang);
    # in one test process, each test starts from the environment's again.
    from quizcli import i18n

    i18n.set_lang(None)
    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    return home


@pytest.fixture
def local_tz(monkeypatch):
    """set_tz(name): the process's local time zone for this test (TZ, then time.tzset); restored after."""
    import time

    def set_tz(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def no_builtin(tmp_path, monkeypatch):
    """No built-in banks (QUIZCLI_CONTENT is an empty folder): a test's banks are
    judged alone, whatever content/ holds today. The empty folder."""
    from quizcli import paths

    empty = tmp_path / "no-content"
    empty.mkdir()
    monkeypatch.setenv(paths.ENV_CONTENT, str(empty))
    return empty


@pytest.fixture
def example(tmp_path, no_builtin):
    """content/README.md's complete example bank (every question type) as the only bank: its path."""
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parent.parent / "content" / "README.md"
    text = readme.read_text(encoding="utf-8")
    bank = tmp_path / "example.yaml"
    bank.write_text(re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.S).group(1), encoding="utf-8")
    return bank
