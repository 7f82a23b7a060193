"""`quizcli bank new` and `quizcli bank trust` (quizcli/authoring/new.py, trust.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli import paths
from quizcli.demo import trust
from quizcli.authoring.new import bank_id_for
from quizcli.bank import load_library, validate_paths
from quizcli.cli import app
from quizcli.errors import ExitCode, QuizcliError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"
runner = CliRunner()


pytestmark = pytest.mark.usefixtures("no_builtin")   # tests/conftest.py


def test_bank_new_writes_a_valid_bank_with_every_type_and_its_schema(tmp_path):
    out = tmp_path / "notes" / "interview.yaml"
    result = runner.invoke(app, ["bank", "new", "Interview Notes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert validate_paths([out]) == []
    [bank] = load_library(extra=[out], include_builtin=False).banks
    assert bank.id == "interview_notes"
    from quizcli.model import QuestionType

    assert {q.type for q in bank.questions} == set(QuestionType)      # one question of every type
    assert (out.parent / "demos" / "exercises" / "interview_notes_softmax" / "grader.py").is_file()   # #18
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=quizcli-bank.schema.json")
    assert "# stable and unique across all banks" in text           # fields are explained
    schema = json.loads((out.parent / "quizcli-bank.schema.json").read_text())
    assert schema["title"].startswith("quizcli question bank")


def test_bank_new_refuses_to_overwrite(tmp_path):
    out = tmp_path / "b.yaml"
    out.write_text("mine")
    result = runner.invoke(app, ["bank", "new", "b", "-o", str(out)])
    assert result.exit_code == 1 and out.read_text() == "mine"
    assert runner.invoke(app, ["bank", "new", "b", "-o", str(out), "--force", "--no-schema"]).exit_code == 0
    assert not (tmp_path / "quizcli-bank.schema.json").exists()
    assert validate_paths([out]) == []


@pytest.mark.parametrize("name, bid", [("My Notes", "my_notes"), ("2024 prep", "bank_2024_prep"), ("BN!", "bn"),
                                        ("Café", "cafe"), ("GAN 笔记", "gan"), ("笔记", None)])
def test_bank_ids_from_names(name, bid):
    assert bank_id_for(name) == bid


def test_bank_new_asks_for_an_id_when_the_name_gives_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = runner.invoke(app, ["bank", "new", "笔记"]).exception
    assert isinstance(err, QuizcliError) and err.exit_code == ExitCode.USAGE
    assert "cannot make a bank id from '笔记'" in err.message and "--id notes" in err.hint
    assert list(tmp_path.glob("*.yaml")) == []                        # nothing written under a made-up id
    result = runner.invoke(app, ["bank", "new", "笔记", "--id", "notes", "--no-schema"])
    assert result.exit_code == 0, result.output
    [bank] = load_library(extra=[tmp_path / "notes.yaml"], include_builtin=False).banks
    assert (bank.id, bank.title.zh) == ("notes", "笔记")
    err = runner.invoke(app, ["bank", "new", "笔记", "--id", "9 notes"]).exception
    assert isinstance(err, QuizcliError) and "not a valid bank id" in err.message


def _demo_bank(tmp_path: Path) -> Path:
    folder = tmp_path / "mybank"
    (folder / "demos").mkdir(parents=True)
    (folder / "demos" / "my_demo.py").write_text('META = {"id": "my_demo"}\n')
    (folder / "bank.yaml").write_text("format_version: 1\n")
    return folder


def test_user_demos_are_untrusted_until_the_user_trusts_them(tmp_path):
    folder = _demo_bank(tmp_path)
    assert not trust.is_trusted(folder / "bank.yaml")
    assert "quizcli bank trust" in trust.status(folder).reason       # the message says why and what to do
    result = runner.invoke(app, ["bank", "trust", str(folder / "bank.yaml")])
    assert result.exit_code == 0, result.output
    assert trust.is_trusted(folder / "bank.yaml") and trust.is_trusted(folder) and trust.is_trusted(folder / "demos")
    store = json.loads((paths.user_dir() / "trusted-demos.json").read_text())
    assert str((folder / "demos").resolve()) in store["folders"]


def test_changed_demos_lose_the_trust(tmp_path):
    folder = _demo_bank(tmp_path)
    trust.trust(folder)
    (folder / "demos" / "my_demo.py").write_text("import os\nos.system('rm -rf ~')\n")
    status = trust.status(folder)
    assert not status.trusted and "changed since you trusted them" in status.reason
    (folder / "demos" / "extra.py").write_text("x = 1\n")
    assert not trust.is_trusted(folder)


def test_trust_remove_and_list(tmp_path):
    folder = _demo_bank(tmp_path)
    runner.invoke(app, ["bank", "trust", str(folder)])
    listed = runner.invoke(app, ["bank", "trust", "--list"])
    assert str((folder / "demos").resolve()) in listed.output
    assert runner.invoke(app, ["bank", "trust", "--remove", str(folder)]).exit_code == 0
    assert not trust.is_trusted(folder)
    assert "no demo folder is trusted" in runner.invoke(app, ["bank", "trust", "--list"]).output


def test_trust_needs_a_demos_folder(tmp_path):
    from quizcli.errors import NotFoundError

    result = runner.invoke(app, ["bank", "trust", str(tmp_path)])
    assert isinstance(result.exception, NotFoundError) and "no demos folder" in result.exception.message


def test_a_damaged_trust_list_is_a_clear_error(tmp_path):
    paths.user_dir().mkdir(parents=True, exist_ok=True)
    (paths.user_dir() / "trusted-demos.json").write_text("{not json")
    from quizcli.errors import QuizcliError

    with pytest.raises(QuizcliError) as err:
        trust.is_trusted(tmp_path)
    assert "trust list" in err.value.message
