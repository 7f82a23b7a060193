"""The one family of user-facing errors.

Anything raised from here is caught at the boundary in `quizcli.cli.main`,
printed as a clear message (no traceback) and turned into its exit code.
Any other exception is a bug and is shown as one.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1          # a check or demo failed (verify, validate found problems)
    USAGE = 2            # bad command-line arguments (typer/click's own code)
    BAD_INPUT = 3        # a bank, a config or a progress file is malformed
    NOT_FOUND = 4        # an id or a path that does not exist
    DEMO_ERROR = 5       # a demo crashed, hung or produced NaN
    MISSING_EXTRA = 6    # the `demos` extra (torch) is not installed
    IO_ERROR = 74        # a file could not be written: disk full, read-only, I/O error (sysexits EX_IOERR)
    INTERRUPTED = 130


class QuizcliError(Exception):
    """An error the user can act on: what went wrong, and what to do."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None, exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code


class NotFoundError(QuizcliError):
    exit_code = ExitCode.NOT_FOUND


class StorageError(QuizcliError):
    """The machine cannot store what it must (no space, read-only, I/O error); the data is fine."""

    exit_code = ExitCode.IO_ERROR


class Problem(NamedTuple):
    """One problem found in a bank file, located as precisely as we can."""

    file: str
    line: int | None          # 1-based
    column: int | None        # 1-based
    field: str                # e.g. "questions[3].choices[1]"; "" for the whole file
    message: str              # what is wrong
    hint: str = ""            # what to do about it

    def location(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class BankError(QuizcliError):
    """One or more banks are invalid; carries every problem found."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} in question banks",
            hint="fix them, then check with `quizcli bank validate PATH`",
        )
