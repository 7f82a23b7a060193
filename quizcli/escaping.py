"""The one escaping function for text that may come from a file.

Standard library only, at the bottom layer: the UI (quizcli.ui.text
re-exports `safe`), the command modules (quizcli.commands.options.echo, typer.echo through
`safe`, for plain lines that quote a file name, an id or a bank's text),
error messages and the exporters all use this one function.
"""

from __future__ import annotations

import unicodedata

# Bidirectional controls can make text display differently from what it is
# ("Trojan Source"), and zero-width characters hide in plain sight: every
# format character (Unicode category Cf: bidi embeddings, overrides and
# isolates, LRM/RLM/ALM, zero-width space/joiners, word joiner, BOM, soft
# hyphen, invisible operators, tag characters), line and paragraph
# separators, and lone surrogates (bytes of a file name that are not UTF-8)
# are shown as escapes like the C0/C1 controls.
_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def _visible(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:   # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _hidden(ch: str) -> bool:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F or code in _BIDI:
        return True
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def safe(text: str) -> str:
    """`text` with every control character shown as an escape (\\x1b), except
    newline and tab: C0, DEL, C1 (0x80-0x9f, which includes the 8-bit CSI
    0x9b and OSC 0x9d), bidi controls, zero-width and other invisible format
    characters, line separators, and undecodable file-name bytes (\\xff).

    The one escaping function: everything that may come from a file (bank
    text, keys, ids, file names, error messages that quote them) goes
    through it before it reaches the terminal or an exported file.
    """
    if not isinstance(text, str):
        text = str(text)
    if text.isprintable():  # the fast path: no controls at all
        return text
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif _hidden(ch):
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


def json_safe(text: str) -> str:
    """JSON text with every character `safe` would escape written as a \\u escape.

    Lossless (a JSON reader gets the same strings back), so an exported
    bank still imports as it was, yet no raw control, bidi or zero-width
    character is in the file. Such characters can only be inside strings.
    """
    if text.isprintable() or all(ch in "\n\t" or not _hidden(ch) for ch in text):
        return text
    out = []
    for ch in text:
        if ch not in "\n\t" and _hidden(ch):
            code = ord(ch)
            if code >= 0x10000:   # a surrogate pair, as JSON writes it
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
