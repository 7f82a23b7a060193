"""How user-facing errors look."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from quizcli.errors import BankError, QuizcliError


def _hanging(console: Console, label: Text, text: Text) -> None:
    """`label text`, where text that wraps stays indented under itself.

    Wrapped here, line by line, rather than in a table: a table pads every
    line with spaces to the column's width.
    """
    indent = label.cell_len
    width = max(20, console.width - indent)
    for i, line in enumerate(text.wrap(console, width, justify="left", overflow="fold")):
        line.rstrip()
        console.print((label if i == 0 else Text(" " * indent)) + line, soft_wrap=True)


def print_error(err: QuizcliError, console: Console | None = None) -> None:
    console = console or Console(stderr=True, highlight=False)
    _hanging(console, Text("error: ", style="bold red"), Text(err.message))
    if isinstance(err, BankError):
        for problem in err.problems:
            _hanging(console, Text("  "), Text(str(problem)))
    if err.hint:
        _hanging(console, Text("hint: ", style="bold"), Text(err.hint))
