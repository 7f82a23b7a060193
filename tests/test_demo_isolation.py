"""Demo processes run only the code the user trusted (issue #16, items 1-3).

1. Nothing from the current folder is imported (isolated start, fork server
   included).
2. No bytecode is read or written in a user demo folder.
3. The trust covers the whole demo tree: any change re-prompts.
"""

from __future__ import annotations

import importlib.util
import os
import py_compile
import sys
from pathlib import Path

import pytest

from quizcli import paths
from quizcli.demo import trust
from quizcli.demo import engine, registry

FIXTURES = Path(__file__).parent / "fixtures"
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")

PLANTED = ("torch", "numpy", "argparse", "json", "quizcli")


def _plant(folder: Path, marker_dir: Path) -> None:
    """Modules in `folder` that leave a file behind if anything imports them."""
    for name in PLANTED:
        target = folder / name / "__init__.py" if name == "quizcli" else folder / f"{name}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"open({str(marker_dir / ('RAN-' + name))!r}, 'w').close()\n"
                          f"raise SystemExit('planted {name} ran')\n")


@pytest.fixture
def planted_cwd(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    _plant(cwd, tmp_path)
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")
    yield tmp_path
    assert not sorted(p.name for p in tmp_path.glob("RAN-*")), "a planted module ran"


def test_a_spawned_demo_ignores_modules_in_the_current_folder(planted_cwd):
    outcome = engine.run_demo("fx_pass", device="cpu")
    assert outcome.status == engine.OK, outcome.message + outcome.stderr_tail


def test_the_runner_command_is_isolated():
    argv = engine.runner_command(Path("x.py"), seed=0, device="cpu", treatment=True)
    assert argv[0] == sys.executable and argv[1] == "-I"


@needs_torch
def test_a_forked_demo_and_its_server_ignore_modules_in_the_current_folder(planted_cwd, monkeypatch):
    monkeypatch.setenv(engine.FORK_ENV, "1")
    infos = [registry.load_demo("fx_torch"), registry.load_demo("fx_pass")]
    outcomes = engine.run_many(infos, jobs=1, device="cpu")
    assert [o.status for o in outcomes] == [engine.OK, engine.OK], [o.message for o in outcomes]
    assert all(o.forked for o in outcomes)


def test_explain_from_a_folder_with_planted_modules(planted_cwd):
    from cli_run import run

    code, out, err = run(["explain", "fx_pass", "--json", "--device", "cpu"])
    assert code == 0, out + err
    assert '"status": "ok"' in out


# --- 2. bytecode -------------------------------------------------------------------

DEMO = '''
import helper
from quizcli.demo.api import Check, DemoResult, Table

META = {"id": "ux_pyc", "title": {"en": "pyc", "zh": "字节码"}, "claims": ["ux_claim"],
        "claim": {"en": "From source.", "zh": "来自源码。"}, "treatment": {"en": "none", "zh": "无"},
        "verdict": "true", "long": False}
VALUE = "demo-source"


def run(ctx):
    try:
        import bare
        bare_ran = 1.0
    except ImportError:
        bare_ran = 0.0
    from sub import inner
    ok = float(helper.VALUE == "source" and VALUE == "demo-source" and inner.VALUE == "source" and not bare_ran)
    return DemoResult(settings={"helper": helper.VALUE, "demo": VALUE, "bare": bare_ran, "inner": inner.VALUE},
                      table=Table(columns=["x"], rows=[[1]]),
                      checks=[Check("everything from source", ok, ">=", 1.0)],
                      finding={"en": "ok", "zh": "好。"})
'''


def _shadow_with_pyc(source: Path, good: str, marker: Path) -> None:
    """A __pycache__ .pyc that Python's own loader would take for `source`'s, but runs other code."""
    evil = f"open({str(marker)!r}, 'w').close()\n" + good.replace('"source"', '"PWNED!"').replace(
        '"demo-source"', '"demo-PWNED!"')
    good = good + "#" * (len(evil.encode()) - len(good.encode()) - 1) + "\n"
    assert len(good.encode()) == len(evil.encode())
    source.write_text(evil)
    st = source.stat()
    py_compile.compile(str(source), doraise=True)
    source.write_text(good)
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert Path(importlib.util.cache_from_source(str(source))).is_file()


@pytest.fixture
def pyc_bank(tmp_path, monkeypatch):
    bank = tmp_path / "bank"
    demos = bank / "demos"
    (demos / "sub").mkdir(parents=True)
    (demos / "sub" / "__init__.py").write_text("")
    marker = tmp_path / "PYC-RAN"
    _shadow_with_pyc(demos / "ux_pyc.py", DEMO, marker)
    _shadow_with_pyc(demos / "helper.py", 'VALUE = "source"\n', marker)
    _shadow_with_pyc(demos / "sub" / "inner.py", 'VALUE = "source"\n', marker)
    bare = demos / "bare_src.py"
    bare.write_text(f"open({str(marker)!r}, 'w').close()\n")
    py_compile.compile(str(bare), cfile=str(demos / "bare.pyc"), doraise=True)
    bare.unlink()
    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: FIXTURES / "demos")
    monkeypatch.setenv("QUIZCLI_BANKS", str(bank))
    trust.trust(bank)
    return bank, marker


def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_no_bytecode_is_read_or_written_in_a_user_demo_folder(pyc_bank):
    bank, marker = pyc_bank
    before = _tree(bank)
    outcome = engine.run_demo("ux_pyc", device="cpu")
    assert outcome.status == engine.OK, outcome.message + outcome.stderr_tail
    assert outcome.result.settings == {"helper": "source", "demo": "demo-source", "bare": 0.0, "inner": "source"}
    assert not marker.exists()
    assert _tree(bank) == before, "the demo run wrote into the bank's folder"


# --- 3. the trust covers the whole tree --------------------------------------------


@pytest.mark.parametrize("change", [
    "demos/sub/inner.py",            # a subpackage's module
    "demos/sub/__init__.py",
    "demos/data.json",               # a data file a demo reads
    "demos/helper.pth",
    "demos/native.so",
    "demos/__pycache__/helper.cpython-311.pyc",
    "demos/sub/deeper/new.py",        # a new file anywhere
])
def test_any_change_in_the_demo_tree_withdraws_the_trust(tmp_path, change):
    bank = tmp_path / "bank"
    (bank / "demos" / "sub").mkdir(parents=True)
    (bank / "demos" / "ux.py").write_text("META = {}\n")
    (bank / "demos" / "sub" / "__init__.py").write_text("")
    (bank / "demos" / "sub" / "inner.py").write_text("X = 1\n")
    (bank / "demos" / "data.json").write_text("{}")
    trust.trust(bank)
    assert trust.is_trusted(bank)
    target = bank / change
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "ab") as f:
        f.write(b"\n# changed\n")
    status = trust.status(bank)
    assert not status.trusted and "changed" in status.reason


def test_removing_a_file_or_adding_a_symlink_withdraws_the_trust(tmp_path):
    bank = tmp_path / "bank"
    (bank / "demos" / "sub").mkdir(parents=True)
    (bank / "demos" / "ux.py").write_text("META = {}\n")
    (bank / "demos" / "sub" / "inner.py").write_text("X = 1\n")
    trust.trust(bank)
    (bank / "demos" / "sub" / "inner.py").unlink()
    assert not trust.is_trusted(bank)
    trust.trust(bank)
    (bank / "demos" / "link.py").symlink_to(tmp_path / "elsewhere.py")
    assert not trust.is_trusted(bank)



# --- 4. no --trust switch promised without a command that has it ------------------


def test_no_doc_or_message_promises_a_trust_switch(tmp_path):
    root = Path(__file__).parent.parent
    for doc in (root / "README.md", root / "content" / "README.md"):
        assert "--trust" not in doc.read_text(encoding="utf-8").replace("bank trust --", ""), doc
    assert "--trust" not in trust.status(tmp_path).reason
    from quizcli.demo import trust as module

    assert "--trust" not in (module.__doc__ or "")


def test_bank_trust_lists_every_file_it_covers(tmp_path):
    from cli_run import run

    bank = tmp_path / "bank"
    (bank / "demos" / "pkg").mkdir(parents=True)
    (bank / "demos" / "ux.py").write_text("META = {}\n")
    (bank / "demos" / "pkg" / "__init__.py").write_text("X = 1\n")
    (bank / "demos" / "pkg" / "\x1b]0;title\x07.py").write_text("")
    code, out, err = run(["bank", "trust", str(bank)])
    assert code == 0, err
    assert "ux.py (10 bytes)" in out and "pkg/__init__.py (6 bytes)" in out
    assert "\x1b" not in out and "\\x1b]0;title\\x07.py" in out
