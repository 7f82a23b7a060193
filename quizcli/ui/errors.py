"""How user-facing errors look."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from quizcli.errors import BankError, QuizcliError


def print_error(err: QuizcliError, console: Console | None = None) -> None:
    console = console or Console(stderr=True, highlight=False)
    console.print(Text("error: ", style="bold red") + Text(err.message))
    if isinstance(err, BankError):
        for problem in err.problems:
            console.print(Text("  " + str(problem)))
    if err.hint:
        console.print(Text("hint: ", style="bold") + Text(err.hint))
