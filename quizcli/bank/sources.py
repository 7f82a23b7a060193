"""Which files a load reads: the bank files of folders, each a `Source` with
its resolved path and whether it is built-in, and no file twice."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from quizcli.errors import Problem

BANK_SUFFIXES = (".yaml", ".yml")


def bank_files(path: Path) -> list[Path]:
    """The bank files in a folder (not its subfolders), or the file itself.

    README files and hidden files (editor backups) are not banks.
    """
    path = Path(path)
    if path.is_dir():
        return sorted(
            p for p in path.iterdir()
            if p.suffix.lower() in BANK_SUFFIXES and not p.name.startswith(".")
            and not p.name.upper().startswith("README") and p.is_file()
        )
    return [path]


class Source:
    __slots__ = ("path", "builtin", "report", "real")

    def __init__(self, path: Path, builtin: bool, report: bool = True, real: Path | None = None) -> None:
        self.path, self.builtin = path, builtin
        self.report = report      # False: loaded only as context for cross-bank checks
        self.real = real          # the resolved path, where `expand` knew it (for _dedupe)


def _is_under(real: Path | None, folder: Path | None) -> bool:
    """Whether the resolved path `real` lies in the resolved `folder` (None: unknown)."""
    return real is not None and folder is not None and (real == folder or folder in real.parents)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):   # RuntimeError: a symlink loop (Python < 3.13)
        return None


def _real_paths(root: Path, files: list[Path]) -> list[Path | None]:
    """Each file resolved. The files of a folder share its resolved path, so a
    folder of 5,000 banks resolves once, not 5,000 times (only symlinks alone)."""
    if files == [root]:
        return [_resolved(root)]
    folder = _resolved(root)
    return [_resolved(p) if folder is None or p.is_symlink() else folder / p.name for p in files]


def expand(roots: Iterable[Path], builtin: bool | None = None, report: bool = True) -> tuple[list[Source], list[Problem]]:
    """Sources for files and folders; a folder without banks is a problem."""
    from quizcli import paths

    content = _resolved(paths.builtin_content_dir())
    sources, problems = [], []
    for root in roots:
        root = Path(root)
        files = bank_files(root)
        if root.is_dir() and not files:
            problems.append(Problem(str(root), None, None, "", "is a folder with no bank files (*.yaml, *.yml)",
                                    "point at a bank file, or put banks in the folder"))
        for p, real in zip(files, _real_paths(root, files)):
            is_builtin = builtin if builtin is not None else _is_under(real, content)
            sources.append(Source(p, is_builtin, report, real))
    return sources, problems


def _dedupe(sources: list[Source]) -> list[Source]:
    seen: dict[Path, int] = {}
    out: list[Source] = []
    for s in sources:
        k = s.real or _resolved(s.path) or s.path
        if k in seen:
            # Reported beats context: a built-in file named on the command line is checked.
            if s.report:
                out[seen[k]].report = True
            continue
        seen[k] = len(out)
        out.append(s)
    return out


def library_sources(extra: Iterable[Path], include_builtin: bool) -> tuple[list[Source], list[Problem]]:
    """What a library load reads: the built-in banks, those of $QUIZCLI_BANKS
    and `extra`, each once; and the problems of the paths named (a folder
    with no banks). No built-in banks yet is not the user's problem."""
    from quizcli import paths

    sources: list[Source] = []
    content = paths.builtin_content_dir()
    if include_builtin and content.is_dir():
        sources, _ = expand([content], builtin=True)
    found, problems = expand([*paths.user_bank_paths(), *extra])
    return _dedupe(sources + found), problems
