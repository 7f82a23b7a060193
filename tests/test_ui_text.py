"""Bank text reaches the terminal as text, never as markup or control codes."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from quizcli import model
from quizcli.ui.text import bitext, plain, safe


@pytest.mark.parametrize("raw, shown", [
    ("plain 中文 text", "plain 中文 text"),
    ("line\nnext\tcol", "line\nnext\tcol"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("\x9b2J", "\\x9b2J"),                     # 8-bit CSI
    ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),   # OSC 52 clipboard write
    ("a\rb\x08c\x7f", "a\\x0db\\x08c\\x7f"),
    ("\u202eevil", "\\u202eevil"),            # bidi override
])
def test_safe(raw, shown):
    assert safe(raw) == shown


def render(text) -> str:
    out = io.StringIO()
    Console(file=out, width=80, force_terminal=True, color_system="truecolor").print(text)
    return out.getvalue()


def test_markup_is_not_interpreted():
    out = render(plain("[red]x[/red] [link=https://e.x]y[/link]"))
    assert "[red]x[/red]" in out and "\x1b]8;" not in out and "\x1b[31m" not in out


def test_fallback_marker():
    t = model.Text(en="only english")
    assert bitext(t, "zh").plain == "[en] only english"
    assert bitext(t, "en").plain == "only english"
    assert bitext(model.Text(zh="\x1b[2J中文"), "en").plain == "[zh] \\x1b[2J中文"
