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
    from quizcli import paths
    from quizcli.bank import library

    sources = []
    problems: list[Problem] = []
    if include_builtin:
        content = paths.builtin_content_dir()
        if content.is_dir():   # no built-in banks yet is not the user's problem
            found, _ = library.expand([content], builtin=True)
            sources += found
    found, missing = library.expand([*paths.user_bank_paths(), *extra])
    sources += found
    problems += missing
    files, found_problems = library.run(library._dedupe(sources))
    problems += found_problems
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
    from quizcli import paths
    from quizcli.bank import library

    given, problems = library.expand(list(paths_))
    context: list[library.Source] = []
    if against_builtin and paths.builtin_content_dir().is_dir():
        context, _ = library.expand([paths.builtin_content_dir()], builtin=True, report=False)
    # Context first, so a user bank reusing a built-in id is the one reported.
    files, found = library.run(library._dedupe(context + given))
    checked = [f for f in files if f.source.report]
    readable = [f.bank for f in checked if f.bank is not None]
    return Report(
        problems=problems + found,
        files=[f.name for f in checked],
        banks=len(readable),
        questions=sum(len(b.get("questions", ())) for b in readable),
    )
