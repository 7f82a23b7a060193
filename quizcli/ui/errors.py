"""How user-facing errors look."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from quizcli.errors import BankError, QuizcliError
from quizcli.i18n import _, ngettext
from quizcli.ui.text import safe


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
    """The error, its problems and its hint; all of it may quote a file, so all of it is escaped."""
    console = console or Console(stderr=True, highlight=False)
    message, hint = err.message, err.hint
    if isinstance(err, BankError):     # quizcli.errors is below quizcli.i18n's reach: its words are translated here
        n = len(err.problems)
        message = ngettext("{n} problem in question banks", "{n} problems in question banks", n).format(n=n)
        hint = _("fix them, then check with `quizcli bank validate PATH`")
    _hanging(console, Text(_("error: "), style="bold red"), Text(safe(message)))
    if isinstance(err, BankError):
        for problem in err.problems:    # each problem's own words are the validator's (English)
            _hanging(console, Text("  "), Text(safe(str(problem))))
    if hint:
        _hanging(console, Text(_("hint: "), style="bold"), Text(safe(hint)))


def internal_error_text(err: BaseException) -> str:
    """The line for a bug, escaped (an exception's text may quote a file)."""
    return (_("quizcli: internal error (a bug): {error}").format(error=f"{type(err).__name__}: {safe(str(err))}") + "\n"
            + _("Run again with QUIZCLI_TRACEBACK=1 to see the traceback, and please report it.") + "\n")
