"""`quizcli bank schema`: the JSON Schema agrees with the validator on every fixture."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.authoring.schema import build
from quizcli.bank import validate_paths, yamlio
from quizcli.cli import app

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"

# What a JSON Schema cannot see: the YAML itself, and other banks or demos.
BEYOND_SCHEMA = {
    "syntax_error": "YAML syntax", "python_tag": "YAML tags", "custom_tag": "YAML tags",
    "alias_bomb": "YAML aliases", "two_documents": "YAML documents", "duplicate_key": "YAML duplicate keys",
    "deep_nesting": "YAML nesting depth", "empty": "no data at all", "comments_only": "no data at all",
    "claim_not_recorded": "other banks", "claim_recorded_twice": "uniqueness across items",
    "duplicate_question_id": "uniqueness across items", "unknown_demo": "the demos folder",
}


pytestmark = pytest.mark.usefixtures("no_builtin")   # tests/conftest.py


@pytest.fixture(scope="module")
def validator():
    schema = build()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _data(path: Path):
    parsed = yamlio.parse(path.read_text(encoding="utf-8"))
    assert not parsed.problems, parsed.problems
    return parsed.data


def _readme_example() -> str:
    text = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    return re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.S).group(1)


def test_the_list_of_what_a_schema_cannot_see_names_real_fixtures():
    assert {p.stem for p in (FIXTURES / "invalid").glob("*.yaml")} >= set(BEYOND_SCHEMA)


@pytest.mark.parametrize("path", [p for p in sorted((FIXTURES / "invalid").glob("*.yaml")) if p.stem not in BEYOND_SCHEMA],
                         ids=lambda p: p.stem)
def test_schema_rejects_what_the_validator_rejects(path, validator):
    assert validate_paths([path]), f"the validator accepts {path.name}"
    errors = list(validator.iter_errors(_data(path)))
    assert errors, f"the schema accepts {path.name}"


def test_schema_rejects_builtin_fixtures_only_where_it_can(validator):
    # Both languages are required only in built-in banks, which a schema cannot tell apart.
    for path in (FIXTURES / "builtin_invalid").glob("*.yaml"):
        assert not list(validator.iter_errors(_data(path)))


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").rglob("*.yaml")) + sorted((ROOT / "content").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_schema_accepts_what_the_validator_accepts(path, validator):
    errors = [e.message for e in validator.iter_errors(_data(path))]
    assert errors == []


def test_schema_accepts_the_readme_example_and_a_new_bank(validator, tmp_path):
    assert not list(validator.iter_errors(yamlio.parse(_readme_example()).data))
    from quizcli.authoring.new import new_bank_text

    assert not list(validator.iter_errors(yamlio.parse(new_bank_text("mine")).data))


def test_bank_schema_command_prints_the_schema():
    result = CliRunner().invoke(app, ["bank", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == build()


def test_bank_schema_command_writes_a_file(tmp_path):
    out = tmp_path / "bank.schema.json"
    result = CliRunner().invoke(app, ["bank", "schema", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == build()
