"""Loading and validation of question banks.

Public API (stable; other modules rely on it):

    load_library(extra=(), include_builtin=True) -> Library
        Loads the built-in banks, the banks in $QUIZCLI_BANKS and `extra`
        (files or folders), validates all of them, and raises BankError with
        every problem if any is invalid.
    validate_paths(paths, against_builtin=True) -> list[Problem]
        Validates the given files/folders together (duplicate ids across them
        are problems) and returns every problem found. The built-in banks are
        loaded beside them, as they are at quiz time, so a user bank that
        reuses a built-in id, or links a claim only a built-in bank records,
        is judged as it will be used; problems in the built-in banks
        themselves are reported only when they are among `paths`.
    bank_files(path) -> list[Path]
        The bank files under a path (*.yaml, *.yml; README files excluded).

The format is documented in content/README.md; the checks are in
`validate` (one file) and `library` (across files); parsing in `yamlio`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, NamedTuple

from quizcli.bank.library import bank_files
from quizcli.errors import BankError, Problem
from quizcli.gcpause import gc_paused
from quizcli.model import Library

__all__ = ["Report", "bank_files", "check_paths", "load_library", "validate_paths"]


def load_library(extra: Iterable[Path] = (), include_builtin: bool = True) -> Library:
    return load_with_keys(extra, include_builtin)[0]


def load_with_keys(extra: Iterable[Path] = (), include_builtin: bool = True) -> tuple[Library, dict[str, str]]:
    """load_library, and each bank's key in the bank cache, by source (for the index)."""
    with gc_paused():
        return _load(extra, include_builtin)


def _load(extra: Iterable[Path], include_builtin: bool) -> tuple[Library, dict[str, str]]:
    from quizcli.bank import library

    sources, problems = library.library_sources(extra, include_builtin)
    files, found = library.run(sources)
    problems += found
    if problems:
        raise BankError(problems)
    return library.build_library(files), {f.name: f.key for f in files if f.bank is not None}


def validate_paths(paths_: Iterable[Path], against_builtin: bool = True) -> list[Problem]:
    return check_paths(paths_, against_builtin).problems


class Report(NamedTuple):
    """What `quizcli bank validate` found."""

    problems: list[Problem]
    files: list[str]          # the bank files checked (not the built-in context)
    banks: int                # banks among them that could be read
    questions: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_paths(paths_: Iterable[Path], against_builtin: bool = True) -> Report:
    """`validate_paths` with counts, for the command's summary."""
    from quizcli.bank import library

    files, problems = library.check(paths_, against_builtin)
    checked = [f for f in files if f.source.report]
    readable = [f.bank for f in checked if f.bank is not None]
    return Report(
        problems=problems,
        files=[f.name for f in checked],
        banks=len(readable),
        questions=sum(len(b.get("questions", ())) for b in readable),
    )
