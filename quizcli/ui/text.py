"""Showing text from banks literally, and the console everything prints to.

Bank text is data written by anyone (user banks included): it must never
restyle the output (Rich markup such as "[red]") nor control the terminal
(escape sequences: colours, cursor moves, OSC title/clipboard/hyperlink
writes). Everything from a bank goes through `safe` into a `rich.text.Text`,
which Rich never parses for markup.

One patch of Rich's internals, at import, and why: Rich breaks lines only at
whitespace and has no public hook for other break opportunities, while
Chinese may break between any two characters. So `rich._wrap.words` is
replaced by one that adds those breaks (see "Line breaking for Chinese text"
below). The patch checks that the function is the one it expects; if a
later Rich moves or changes it, Rich's own line breaking is kept, never an
error. Inserting break characters into the text instead would not work:
Rich does not break at a zero-width space, and the copied text would hold it.
"""

from __future__ import annotations

import errno
import os
import re
from typing import Iterator

from rich import _wrap as _rich_wrap
from rich.console import Console
from rich.text import Text

from quizcli import model

_rich_words = getattr(_rich_wrap, "words", None)

from quizcli.escaping import safe  # noqa: F401  (the one escaping function; re-exported)


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


# --------------------------------------------------------------------------
# Line breaking for Chinese text
#
# Rich breaks lines only at spaces. Chinese has none between words, so a
# Chinese sentence with a few Latin terms ("Laurent 等 2016 发现 BN 只在...")
# broke only at those terms and left lines half empty. Chinese may break
# between any two characters, except before closing punctuation (，。）)
# and after opening punctuation (（《): the break opportunities below.

_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CLOSE_WIDE = "，。！？；：、）」』》】〉〕”’…～"
_OPEN_WIDE = "（「『《【〈〔“‘"
# The patterns below see the text with every character of the _CJK ranges
# folded to one of them, _CJK_ONE (same length, so the same positions): a
# character class of the 40,000 code points themselves costs the regex
# compiler about 20 ms on every start, near a tenth of `quizcli review`'s
# time to its first card (bench/bench_review.py).
_CJK_ONE = "\u4e00"
_CJK_RANGES = tuple((ord(_CJK[i]), ord(_CJK[i + 2])) for i in range(0, len(_CJK), 3))


class _FoldCJK(dict):
    """A str.translate table that folds the _CJK ranges to _CJK_ONE,
    filled in as characters are met."""

    def __missing__(self, code: int) -> int:
        folded = ord(_CJK_ONE) if any(lo <= code <= hi for lo, hi in _CJK_RANGES) else code
        self[code] = folded
        return folded


_FOLD = _FoldCJK()
_HAS_CJK = re.compile(f"[{_CJK_ONE}{_CLOSE_WIDE}{_OPEN_WIDE}\u3000\uff01-\uff5e]")
# One unit that may not be broken: opening marks, then one CJK character (or
# a run of other non-space characters), then closing marks and spaces.
_UNIT = re.compile(
    f"\\s*[{_OPEN_WIDE}]*(?:[{_CJK_ONE}\u3000\uff01-\uff5e]|[^\\s{_CJK_ONE}{_OPEN_WIDE}{_CLOSE_WIDE}\u3000\uff01-\uff5e]+)"
    f"[{_CLOSE_WIDE},.;:!?)\\]]*\\s*"
)


def _words(text: str) -> Iterator[tuple[int, int, str]]:
    """rich._wrap.words, with a break opportunity between Chinese characters."""
    folded = "" if text.isascii() else text.translate(_FOLD)     # ASCII has none of the marks
    if not folded or not _HAS_CJK.search(folded):
        yield from _rich_words(text)
        return
    pos, end_of_text = 0, len(text)
    while pos < end_of_text:
        match = _UNIT.match(folded, pos)
        end = match.end() if match and match.end() > pos else pos + 1
        yield pos, end, text[pos:end]
        pos = end


def _install_cjk_line_breaks() -> None:
    # Rich looks `words` up in rich._wrap at call time; if a later Rich moves
    # it, we keep Rich's own line breaking rather than fail.
    if getattr(_rich_wrap, "words", None) is _rich_words:
        _rich_wrap.words = _words


_install_cjk_line_breaks()


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich exits 1 here; `quizcli list | head` is no failure. Raise, so
        # the boundary in quizcli.cli ends quietly with 0 like any other write.
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def make_console(stderr: bool = False) -> Console:
    """The console for quizcli's output. Rich itself honours NO_COLOR,
    FORCE_COLOR, TERM=dumb and COLUMNS."""
    return _Console(stderr=stderr, highlight=False, emoji=False)
