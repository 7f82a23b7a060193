"""How a demo process starts, and what it may import.

Standard library only (the quiz process imports this).

A demo process must run exactly the code the user trusted, nothing from the
folder they happen to be in:

* It starts in isolated mode (`python -I`): no current folder (nor the
  script's folder) on sys.path, no PYTHON* variables, no user site-packages.
  quizcli's own folder is appended to sys.path (after the standard library
  and site-packages, so nothing there can shadow them), and the absolute
  entries of $PYTHONPATH are kept, as the user set them; empty and relative
  entries, which would mean the current folder, are dropped.
* In the demo's folder tree no bytecode is read or written: demo files,
  their helpers and subpackages are compiled from their source every time
  (`install_demo_imports`), so a `__pycache__/*.pyc` or a bare `x.pyc`
  shipped beside a reviewed `.py` never runs.
"""

from __future__ import annotations

import os
import sys
from importlib.abc import SourceLoader
from importlib.machinery import (EXTENSION_SUFFIXES, SOURCE_SUFFIXES, ExtensionFileLoader, FileFinder,
                                 SourceFileLoader)
from pathlib import Path

# Runs as `python -I -c BOOT ROOT PYTHONPATH MODULE ARGS...`.
BOOT = (
    "import sys,os\n"
    "root=sys.argv.pop(1);extra=sys.argv.pop(1);mod=sys.argv.pop(1)\n"
    "sys.path[:0]=[p for p in extra.split(os.pathsep) if p and os.path.isabs(p)]\n"
    "sys.path.append(root)\n"
    "import runpy\n"
    "runpy.run_module(mod,run_name='__main__',alter_sys=True)\n"
)


def package_root() -> str:
    """The folder that holds the `quizcli` package."""
    return str(Path(__file__).resolve().parent.parent.parent)


def python_command(module: str, *args: str) -> list[str]:
    """The argv that runs `python -m MODULE ARGS` in isolated mode."""
    extra = os.environ.get("PYTHONPATH", "")
    return [sys.executable, "-I", "-c", BOOT, package_root(), extra, module, *map(str, args)]


class NoBytecodeLoader(SourceFileLoader):
    """A source loader that neither reads nor writes bytecode."""

    def get_code(self, fullname):  # type: ignore[override]
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)

    def set_data(self, path, data, *, _mode=0o666):  # never write a .pyc
        return None


assert issubclass(NoBytecodeLoader, SourceLoader)

_roots: list[str] = []


def _inside(path: str) -> bool:
    path = os.path.realpath(path or ".")
    return any(path == r or path.startswith(r + os.sep) for r in _roots)


def _path_hook(path: str) -> FileFinder:
    if not _inside(path):
        raise ImportError("not a demo folder")
    # Sources and extension modules (hashed by the trust like everything
    # else), but no sourceless .pyc.
    return FileFinder(path, (ExtensionFileLoader, EXTENSION_SUFFIXES), (NoBytecodeLoader, SOURCE_SUFFIXES))


def install_demo_imports(folder: Path) -> None:
    """Imports from `folder` (and below) come from source only, from now on."""
    root = os.path.realpath(folder)
    if root not in _roots:
        _roots.append(root)
    if _path_hook not in sys.path_hooks:
        sys.path_hooks.insert(0, _path_hook)
    for key in list(sys.path_importer_cache):
        if _inside(key):
            del sys.path_importer_cache[key]
    sys.dont_write_bytecode = True


def spec_from_file(name: str, path: Path):
    """importlib.util.spec_from_file_location, loading from source only."""
    import importlib.util

    return importlib.util.spec_from_file_location(name, path, loader=NoBytecodeLoader(name, str(path)))
