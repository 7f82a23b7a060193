"""The demo registry: finding demos and reading META without importing them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from quizcli import paths
from quizcli.demo import folders, registry, trust
from quizcli.errors import NotFoundError

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "demos"
BAD = FIXTURES / "bad_demos"


@pytest.fixture
def fixture_demos(monkeypatch):
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: GOOD)
    return GOOD


def test_demo_ids_is_a_listing_without_helpers(fixture_demos, tmp_path):
    assert {"fx_pass", "fx_fail", "fx_raise", "fx_hang", "fx_nan", "fx_torch"} <= registry.demo_ids()


def test_helper_files_are_not_demos(monkeypatch, tmp_path):
    (tmp_path / "_common.py").write_text("X = 1\n")
    (tmp_path / "real.py").write_text("X = 1\n")
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: tmp_path)
    assert registry.demo_ids() == {"real"}


def test_load_demo_reads_meta(fixture_demos):
    info = registry.load_demo("fx_pass")
    assert info.id == "fx_pass"
    assert info.path == GOOD / "fx_pass.py"
    assert info.verdict == "true"
    assert info.claims == ("fx_claim_a",)
    assert info.text("title", "zh") == "通过的测试样例"
    assert info.long is False and info.timeout is None
    assert info.builtin and info.trusted and not info.blocked
    assert registry.load_demo("fx_hang").timeout == 1.5


def test_meta_is_read_without_running_the_file(monkeypatch, tmp_path):
    (tmp_path / "boom.py").write_text(
        "raise SystemExit('imported!')\n"
        "META = {'id': 'boom', 'title': {'en': 't', 'zh': 't'}, 'claim': {'en': 'c', 'zh': 'c'},\n"
        "        'claims': ['x_y'], 'verdict': 'true', 'treatment': {'en': 't', 'zh': 't'}, 'long': False}\n"
        "def run(ctx):\n    pass\n"
    )
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: tmp_path)
    assert registry.load_demo("boom").claims == ("x_y",)
    assert "quizcli_demo_boom" not in sys.modules


def test_unknown_id_says_what_to_do(fixture_demos):
    with pytest.raises(NotFoundError) as err:
        registry.load_demo("fx_pas")
    assert "fx_pas" in err.value.message
    assert "fx_pass" in err.value.hint


def test_every_meta_problem_is_reported_with_line_and_field():
    problems = registry.check_file(BAD / "bad_meta.py")
    text = "\n".join(str(p) for p in problems)
    by_field = {p.field: p for p in problems}
    assert by_field["META.id"].line == 6 and "bad_meta.py" in by_field["META.id"].message
    assert "zh" in by_field["META.title"].message and by_field["META.title"].line == 7
    assert "non-empty" in by_field["META.claims"].message
    assert "'maybe'" in by_field["META.verdict"].message
    assert "True or False" in by_field["META.long"].message
    assert by_field["META.verdit"].message == "unknown key" and "verdict" in by_field["META.verdit"].hint
    assert text.count("bad_meta.py:") == len(problems)


def test_meta_must_be_a_literal():
    problem = registry.check_file(BAD / "not_literal.py")[0]
    assert problem.line == 7   # the line with the name TITLE
    assert "not a plain literal" in problem.message
    assert "no names or calls" in problem.hint


def test_missing_meta_and_run():
    fields = {p.field: p for p in registry.check_file(BAD / "no_meta.py")}
    assert "META" in fields and "run" in fields


def test_list_demos_collects_every_problem(monkeypatch):
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: BAD)
    infos, problems = registry.list_demos(strict=False)
    assert [i.id for i in infos] == ["bad_result"]
    assert {Path(p.file).name for p in problems} == {"bad_meta.py", "not_literal.py", "no_meta.py"}
    with pytest.raises(registry.DemoMetaError) as err:
        registry.list_demos()
    assert "bad_meta.py" in err.value.message and "no_meta.py" in err.value.message
    assert err.value.exit_code == 3


def test_missing_required_keys_are_named(tmp_path):
    f = tmp_path / "partial.py"
    f.write_text("META = {'id': 'partial'}\ndef run(ctx):\n    pass\n")
    missing = {p.field for p in registry.check_file(f) if p.message == "is missing"}
    assert missing == {"META.title", "META.claim", "META.claims", "META.verdict", "META.treatment", "META.long"}


def _user_bank(tmp_path: Path) -> Path:
    bank = tmp_path / "mybank"
    (bank / "demos").mkdir(parents=True)
    (bank / "demos" / "my_demo.py").write_text((GOOD / "fx_pass.py").read_text().replace('"fx_pass"', '"my_demo"'))
    return bank


def test_user_demos_are_listed_but_blocked_until_trusted(fixture_demos, monkeypatch, tmp_path):
    bank = _user_bank(tmp_path)
    monkeypatch.setenv("QUIZCLI_BANKS", str(bank))
    monkeypatch.setattr(trust, "is_trusted", lambda p: False)
    assert "my_demo" in registry.demo_ids()
    info = registry.load_demo("my_demo")
    assert not info.builtin and not info.trusted
    assert "not trusted" in info.blocked and str(bank) in info.blocked
    assert f"quizcli bank trust {bank}" in registry.trust_hint(info)


def test_trusted_user_demos_may_run(fixture_demos, monkeypatch, tmp_path):
    bank = _user_bank(tmp_path)
    monkeypatch.setenv("QUIZCLI_BANKS", str(bank / "bank.yaml"))   # a bank file: demos/ beside it
    monkeypatch.setattr(trust, "is_trusted", lambda p: Path(p) == bank / "bank.yaml")
    info = registry.load_demo("my_demo")
    assert info.trusted and not info.blocked


def test_when_the_trust_check_fails_user_demos_are_untrusted(fixture_demos, monkeypatch, tmp_path):
    bank = _user_bank(tmp_path)
    monkeypatch.setenv("QUIZCLI_BANKS", str(bank))

    def broken(path):
        raise OSError("unreadable trust file")

    monkeypatch.setattr(trust, "is_trusted", broken)
    assert registry.load_demo("my_demo").blocked


def test_builtin_demo_wins_over_a_user_demo_with_the_same_id(fixture_demos, monkeypatch, tmp_path):
    bank = tmp_path / "b"
    (bank / "demos").mkdir(parents=True)
    (bank / "demos" / "fx_pass.py").write_text("META = {}\n")
    monkeypatch.setenv("QUIZCLI_BANKS", str(bank))
    assert registry.load_demo("fx_pass").builtin


def test_use_banks_adds_the_demos_of_command_line_banks(fixture_demos, monkeypatch, tmp_path):
    bank = _user_bank(tmp_path)
    monkeypatch.setattr(folders, "_extra_banks", [])
    assert "my_demo" not in registry.demo_ids()
    registry.use_banks([bank])
    assert "my_demo" in registry.demo_ids()
