"""Where a code exercise's files are, and whether they may run.

Standard library only and cheap: loading banks checks that every `code`
question's exercise folder exists, on every load.

An exercise `NAME` of a bank is the folder `demos/exercises/NAME/` of that
bank's demos folder: the built-in `demos/` for the built-in banks, the
`demos/` folder beside a user bank for a user bank. It holds

    starter.py    what the candidate starts from: the signature and the contract, no solution
    solution.py   the reference solution
    grader.py     ENTRY = "function_name" and test_* functions (see demos/exercises/README.md)

A user bank's grader and reference are code from the bank's author: they run
only once the user trusted that bank's demos (`quizcli bank trust PATH`).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

FILES = ("starter.py", "solution.py", "grader.py")
SUBFOLDER = "exercises"


class ExerciseFiles(NamedTuple):
    name: str
    folder: Path
    builtin: bool
    bank: Path | None = None       # the user bank it came with (for the trust check)

    @property
    def starter(self) -> Path:
        return self.folder / "starter.py"

    @property
    def solution(self) -> Path:
        return self.folder / "solution.py"

    @property
    def grader(self) -> Path:
        return self.folder / "grader.py"


def exercises_dir(bank_source: str | Path, builtin: bool) -> Path:
    """The exercises folder that a bank's code questions name folders of."""
    if builtin:
        from quizcli import paths

        return paths.builtin_demos_dir() / SUBFOLDER
    return Path(bank_source).parent / "demos" / SUBFOLDER


def locate(name: str, bank_source: str | Path, builtin: bool) -> ExerciseFiles:
    return ExerciseFiles(name, exercises_dir(bank_source, builtin) / name, builtin,
                         None if builtin else Path(bank_source))


def is_builtin_source(source: str | Path) -> bool:
    """Whether a bank file is one of the built-in banks."""
    from quizcli import paths

    try:
        Path(source).resolve().relative_to(paths.builtin_content_dir().resolve())
    except (ValueError, OSError):
        return False
    return True


def for_question(question: object) -> ExerciseFiles:
    """The exercise files of a `code` question (a model.Question)."""
    name, source = getattr(question, "exercise", None), getattr(question, "source", "")
    if not name:
        raise ValueError(f"question {getattr(question, 'id', '?')} is not a code exercise")
    return locate(name, source, is_builtin_source(source))


def missing(files: ExerciseFiles) -> list[str]:
    """The files of the exercise that are not there (all of them if the folder is not)."""
    return [f for f in FILES if not (files.folder / f).is_file()]


def is_trusted(files: ExerciseFiles) -> bool:
    """Built-in exercises are part of quizcli; a user bank's run only once its demos are trusted."""
    if files.builtin:
        return True
    from quizcli.demo.folders import _is_trusted

    assert files.bank is not None
    return _is_trusted(files.bank, files.bank.parent / "demos")
