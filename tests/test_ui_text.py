"""Bank text reaches the terminal as text, never as markup or control codes."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings, strategies as st
from rich.cells import cell_len
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


# -- Chinese line breaking (found in QA)


def _wrapped(text: str, width: int) -> list[str]:
    from rich.console import Console

    from quizcli.ui.text import plain

    console = Console(width=width, file=io.StringIO(), color_system=None)
    with console.capture() as cap:
        console.print(plain(text))
    return cap.get().rstrip("\n").split("\n")


def test_chinese_text_breaks_between_characters_not_only_at_spaces():
    # Rich broke only at spaces: "……发现 BN" then a half-empty line.
    text = ("这种说法不成立。朴素做法，即在隐藏层到隐藏层的变换上让所有时间步共享一组统计量，效果很差："
            "Laurent 等 2016 发现 BN 只在输入到隐藏层的变换上有帮助。")
    lines = _wrapped(text, 40)
    assert "".join(line.replace(" ", "") for line in lines) == text.replace(" ", "")
    assert all(cell_len(line.rstrip()) >= 38 for line in lines[:-1]), lines     # no half-empty lines
    assert not any(line[:1] in "，。：）" for line in lines), lines         # no closing mark opens a line


def test_english_text_still_breaks_only_at_spaces():
    text = "The naive version, one set of statistics shared by all time steps, works badly in practice."
    lines = _wrapped(text, 30)
    assert " ".join(line.rstrip() for line in lines) == text and all(cell_len(line) <= 30 for line in lines)


# The line breaking matches with the CJK ranges folded to one character (a
# class of 40,000 code points is slow to compile): the breaks must be those
# of the patterns written with the ranges themselves.

_REF_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_EDGES = "".join(chr(c) for lo, hi in ((0x2e80, 0x2fff), (0x3040, 0x30ff), (0x3100, 0x31ff), (0x3400, 0x4dbf),
                                       (0x4e00, 0x9fff), (0xac00, 0xd7af), (0xf900, 0xfaff), (0xff01, 0xff5e))
                 for c in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1))
_ALPHABET = _EDGES + "ab 1,.;:!?)]\n\t\u3000中文한글カナ（「『《【〈〔“‘，。！？；：、）」』》】〉〕”’…～"


def _reference_words(text: str) -> list[tuple[int, int, str]]:
    import re

    from rich import _wrap

    from quizcli.ui import text as ui_text

    close, open_ = ui_text._CLOSE_WIDE, ui_text._OPEN_WIDE
    has_cjk = re.compile(f"[{_REF_CJK}{close}{open_}\u3000\uff01-\uff5e]")
    unit = re.compile(f"\\s*[{open_}]*(?:[{_REF_CJK}\u3000\uff01-\uff5e]|[^\\s{_REF_CJK}{open_}{close}\u3000\uff01-\uff5e]+)"
                      f"[{close},.;:!?)\\]]*\\s*")
    if not has_cjk.search(text):
        return list(ui_text._rich_words(text))
    out, pos = [], 0
    while pos < len(text):
        match = unit.match(text, pos)
        end = match.end() if match and match.end() > pos else pos + 1
        out.append((pos, end, text[pos:end]))
        pos = end
    return out


@given(st.text(alphabet=_ALPHABET, max_size=40))
@settings(max_examples=300, deadline=None)
def test_line_breaks_are_those_of_the_full_cjk_ranges(text):
    from quizcli.ui.text import _words

    assert list(_words(text)) == _reference_words(text)
