"""The built wheel works on its own: installed (not editable) into a fresh
virtual environment and run from another folder, it finds the built-in banks
and demos that pyproject.toml ships inside the package.

Kept fast and offline: the venv is made without pip; the dependencies
(typer, rich, ...) and pip are borrowed from the environment running the
tests through a .pth file; the wheel is installed with --no-deps --no-index.
The project itself comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPS = ("typer", "rich", "yaml", "platformdirs", "pip")


def _repo_bank_ids() -> set[str]:
    import yaml

    ids = set()
    for path in sorted((ROOT / "content").glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "id" in data:
            ids.add(data["id"])
    return ids


def _sh(args, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=180, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


SNAPSHOT: dict[str, set[str]] = {}   # what the source tree held when the wheel was built


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    SNAPSHOT["demos"] = {p.name for p in (ROOT / "demos").glob("*.py")}
    SNAPSHOT["banks"] = _repo_bank_ids()
    tmp = tmp_path_factory.mktemp("pkg")
    dist, venv = tmp / "dist", tmp / "venv"
    # Build the wheel as `pip install .` would (hatchling is in the test extra).
    built = _sh([sys.executable, "-c", "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))",
                 dist], cwd=ROOT).stdout.strip().splitlines()[-1]
    wheel = dist / built
    _sh([sys.executable, "-m", "venv", "--without-pip", venv])
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(_sh([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # Borrow the dependencies, not the project: a .pth line adds a folder to
    # sys.path without running the .pth files in it (so an editable install
    # of quizcli there stays invisible), and the venv's own site-packages,
    # where the wheel goes, comes first.
    dep_dirs = {str(Path(__import__(m).__file__).resolve().parent.parent) for m in DEPS}
    (site / "_quizcli_test_deps.pth").write_text("\n".join(sorted(dep_dirs)) + "\n")
    # pip too is borrowed, and runs inside the new venv, so it installs there
    # (--ignore-installed: the borrowed folder's own quizcli is no concern).
    _sh([py, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
         "--disable-pip-version-check", "--no-compile", wheel])
    return py.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QUIZCLI_CONTENT", "QUIZCLI_BANKS", "PYTHONPATH")}
    env["QUIZCLI_HOME"] = str(tmp_path / "home")
    return env


def test_installed_package_is_the_wheel(installed, tmp_path):
    where = _sh([installed / "python", "-c",
                 "import quizcli, quizcli.paths as p; print(quizcli.__file__); print(p.builtin_content_dir()); "
                 "print(p.builtin_demos_dir())"], cwd=tmp_path, env=_env(tmp_path)).stdout.split()
    venv = installed.parent.resolve()
    assert all(Path(w).resolve().is_relative_to(venv) for w in where), where
    assert where[1].endswith(os.path.join("quizcli", "_builtin", "content"))
    demos = {p.name for p in Path(where[2]).glob("*.py")}
    assert SNAPSHOT["demos"] and SNAPSHOT["demos"] <= demos
    # The article's claims and the tag vocabulary ship beside the banks (subfolders of content/).
    assert (Path(where[1]) / "article" / "claims.yaml").is_file()
    assert (Path(where[1]) / "vocabulary" / "tags.yaml").is_file()
    # Code exercises (#18) ship in the demos folder's exercises/.
    assert (Path(where[2]) / "exercises" / "bn_forward_train" / "grader.py").is_file()


def test_installed_quizcli_finds_the_builtin_banks(installed, tmp_path):
    expected = SNAPSHOT["banks"]
    assert expected, "content/ has no banks"
    out = _sh([installed / "quizcli", "topics", "--json"], cwd=tmp_path, env=_env(tmp_path)).stdout
    banks = json.loads(out)
    assert {b["id"] for b in banks} == expected
    assert all(b["builtin"] and b["questions"] > 0 for b in banks)
    proc = subprocess.run([installed / "quizcli", "quiz", "-n", "1", "--seed", "0", "--lang", "en"], input="q\n",
                          capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path), timeout=60)
    assert proc.returncode == 0 and "1/1 ·" in proc.stdout and "Summary" in proc.stdout, proc.stderr


def test_installed_quizcli_speaks_chinese(installed, tmp_path):
    """The compiled catalog ships in the wheel: a Chinese locale gets the Chinese interface."""
    env = _env(tmp_path) | {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"}
    where = _sh([installed / "python", "-c", "from quizcli import i18n; print(i18n.LOCALE_DIR)"],
                cwd=tmp_path, env=env).stdout.strip()
    assert (Path(where) / "zh" / "LC_MESSAGES" / "quizcli.mo").is_file()
    proc = subprocess.run([installed / "quizcli", "quiz", "-n", "1", "--seed", "0"], input="q\n",
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0 and "小结" in proc.stdout and "Summary" not in proc.stdout, proc.stdout + proc.stderr
