"""Showing text from banks literally, and the console everything prints to.

Bank text is data written by anyone (user banks included): it must never
restyle the output (Rich markup such as "[red]") nor control the terminal
(escape sequences: colours, cursor moves, OSC title/clipboard/hyperlink
writes). Everything from a bank goes through `safe` into a `rich.text.Text`,
which Rich never parses for markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from quizcli import model

# Bidirectional overrides can make text display differently from what it is
# ("Trojan Source"); show them as escapes like other controls.
_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """`text` with every control character shown as an escape (\\x1b), except
    newline and tab. Covers C0, DEL, C1 (0x80-0x9f, which includes the 8-bit
    CSI 0x9b and OSC 0x9d) and bidi overrides."""
    if text.isprintable():  # the fast path: no controls at all
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in _BIDI:
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


def plain(text: str, style: str = "") -> Text:
    """Bank (or user) text as a Rich Text that shows exactly what it says."""
    return Text(safe(text), style=style)


def bitext(text: model.Text | None, lang: str, style: str = "") -> Text:
    """Bilingual text in `lang`; the other language, marked, when it is missing."""
    if text is None:
        return Text("")
    if text.has(lang):
        return plain(getattr(text, lang), style)
    marker = model.FALLBACK_MARK.get(lang, "")
    other = text.zh if lang == "en" else text.en
    return Text(marker, style="dim italic") + plain(other or "", style)


def make_console(stderr: bool = False) -> Console:
    """The console for quizcli's output. Rich itself honours NO_COLOR,
    FORCE_COLOR, TERM=dumb and COLUMNS."""
    return Console(stderr=stderr, highlight=False, emoji=False)
