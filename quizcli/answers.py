"""Checking what the user typed against a question's answer.

Pure functions, standard library only. Input that cannot be an answer at
all (a letter past the last choice, "maybe" to a true/false question) raises
`InvalidAnswer`, so the session can ask again instead of marking it wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from quizcli.i18n import _
from quizcli.model import Question, QuestionType

LETTERS = "abcdefgh"   # bank format v1 allows at most 8 choices

_TRUE = {"t", "true", "y", "yes", "1", "对", "是", "正确", "真", "✓", "✔", "√",
         "是的", "对的", "没错", "对呀", "对啊", "是啊", "确实", "成立", "正确的", "真的", "yes.", "right"}
_FALSE = {"f", "false", "n", "no", "0", "错", "否", "错误", "不对", "假", "✗", "✘", "×", "x",
          "不", "不是", "错的", "不正确", "错误的", "不成立", "假的", "不对的", "wrong"}
# Sentence-final punctuation an IME adds ("是的。", "不对！"), after NFKC.
_END_PUNCTUATION = " .。!?~…"

# Flashcard self-grades, FSRS style: 1 again, 2 hard, 3 good, 4 easy.
GRADE_AGAIN, GRADE_HARD, GRADE_GOOD, GRADE_EASY = 1, 2, 3, 4
_GRADE_WORDS = {
    "1": 1, "again": 1, "n": 1, "no": 1,
    "2": 2, "hard": 2,
    "3": 3, "good": 3, "y": 3, "yes": 3,
    "4": 4, "easy": 4,
}


class InvalidAnswer(ValueError):
    """The input is not an answer of the right shape; the message says what is."""


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one answer."""

    correct: bool
    given: str                 # what the user typed, as typed
    normalized: str            # what was compared, for display and logs


def normalize(text: str) -> str:
    """Fold what input methods and habits vary: width (NFKC), case, spaces.

    NFKC maps full-width letters, digits and punctuation ("ＨＷ", "１２８",
    "，") to their ASCII forms, which is what Chinese IMEs produce in
    full-width mode.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())


# What NFKC leaves alone but an input method or a habit varies: the minus
# sign and dashes, and the ideographic comma and full stop.
_FOLD = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\u2010": "-",
                       "\u2011": "-", "、": ",", "。": "."})
# CJK characters (ideographs, kana, hangul, CJK punctuation): a space next to
# one is spacing an input method or a habit adds, never a word boundary.
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff"
_INNER_SPACE = re.compile(rf"\s+(?=[^\w\s]|[{_CJK}])|(?<=[^\w\s])\s+|(?<=[{_CJK}])\s+")


def normalize_text_answer(text: str) -> str:
    """How typed text answers are compared: `normalize` (width, case,
    spaces), the minus sign and dashes as "-", 、 as a comma, and no spaces
    next to punctuation or a CJK character: "H, W" = "h,w" = "Ｈ，Ｗ";
    "H 和 W" = "H和W"; "m/(m − 1)" = "m/(m-1)"; but "batch norm" stays two words.
    """
    folded = normalize(text).translate(_FOLD)
    return _INNER_SPACE.sub("", folded)


# Between the items of a set answer: "H, W", "H、W", "H; W", "H/W", "H and W", "H和W".
_ITEM_SEPARATOR = re.compile(r",|;|/|\band\b|和|与|及|以及")
_ENCLOSED = re.compile(r"^[(\[{](.*)[)\]}]$")


def answer_items(text: str) -> tuple[str, ...]:
    """The items of a set answer, sorted: "(W, H)" = "H和W" = "h w" -> ("h", "w").

    Items are split at commas, semicolons, slashes, "and" and 和/与/及; only
    when there is none of those, at spaces (so "batch norm, layer norm" keeps
    its two items whole). One pair of brackets around the whole is dropped.
    """
    folded = normalize_text_answer(text)
    enclosed = _ENCLOSED.match(folded)
    if enclosed:
        folded = enclosed.group(1)
    parts = _ITEM_SEPARATOR.split(folded) if _ITEM_SEPARATOR.search(folded) else folded.split()
    return tuple(sorted(p.strip() for p in parts if p.strip()))


def same_set(given: str, accepted: str) -> bool:
    """Whether two set answers hold the same items. Where every accepted item
    is one character (axes: "N, H, W"), letters typed together count as
    items too: "WHN" = "N, H, W"."""
    want = answer_items(accepted)
    got = answer_items(given)
    if got == want:
        return True
    if len(got) == 1 and all(len(item) == 1 for item in want):
        return tuple(sorted(got[0])) == want
    return False


def parse_choices(raw: str, n_choices: int, multiple: bool) -> tuple[int, ...]:
    """Letters to sorted, distinct indices: "a", "a,c", "ac", "A C", "ａ，ｃ"."""
    text = normalize(raw)
    letters = [ch for ch in re.sub(r"[\s,;/、+&]+", "", text)]
    if not letters:
        raise InvalidAnswer(_("type a letter"))
    valid = LETTERS[:n_choices]
    bad = [ch for ch in letters if ch not in valid]
    if bad:
        raise InvalidAnswer(_("choose from {letters}").format(letters=_(", ").join(valid)))
    picked = tuple(sorted({valid.index(ch) for ch in letters}))
    if not multiple and len(picked) > 1:
        raise InvalidAnswer(_("choose one letter"))
    return picked


def parse_bool(raw: str) -> bool:
    text = normalize(raw).rstrip(_END_PUNCTUATION) or normalize(raw)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidAnswer(_("type t (true) or f (false); y/n, 对/错, 是的/不对, 正确/错误 work too"))


def parse_number(raw: str) -> float:
    """A number as people type it: "128", "１２８", "1e-3", "1,024", "0.5", "－2"."""
    text = normalize(raw).replace("\u2212", "-")  # NFKC keeps U+2212 MINUS SIGN
    text = re.sub(r"^([+-]) ", r"\1", text)
    if re.fullmatch(r"[+-]?\d{1,3}( \d{3})+(\.\d*)?", text):   # "1 024"
        text = text.replace(" ", "")
    # A thousands separator only between digit groups of three; a lone comma
    # is more likely a decimal comma ("0,5"), which we also accept.
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise InvalidAnswer(_("type a number, e.g. 128 or 0.5")) from None
    if not math.isfinite(value):
        raise InvalidAnswer(_("type a finite number"))
    return value


def parse_grade(raw: str) -> int:
    grade = _GRADE_WORDS.get(normalize(raw))
    if grade is None:
        raise InvalidAnswer(_("grade yourself: 1 again, 2 hard, 3 good, 4 easy"))
    return grade


def grade_is_correct(grade: int) -> bool:
    """A flashcard counts as known unless graded "again" (as in FSRS)."""
    return grade > GRADE_AGAIN


def _strip_unit(text: str, unit: str | None) -> str:
    # "128 params" when the question's unit is "params": compare the number.
    if unit:
        norm_unit = normalize(unit)
        norm = normalize(text)
        if norm_unit and norm.endswith(norm_unit):
            return norm[: -len(norm_unit)].strip()
    return text


def check(question: Question, raw: str, order: Sequence[int] | None = None) -> Checked:
    """Check `raw` against `question`.

    `order` is the shuffled choice order as shown: letter i names choice
    `order[i]` of the question. Flashcards are not checked here; the user
    grades them (see `parse_grade`).
    """
    qtype = question.type
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        order = list(order) if order is not None else list(range(len(question.choices)))
        shown = parse_choices(raw, len(order), multiple=qtype is QuestionType.MULTIPLE_CHOICE)
        picked = {order[i] for i in shown}
        return Checked(picked == set(question.correct_indices), raw, ",".join(LETTERS[i] for i in shown))
    if qtype is QuestionType.TRUE_FALSE:
        value = parse_bool(raw)
        return Checked(value == question.answer_bool, raw, "true" if value else "false")
    if qtype is QuestionType.NUMERIC:
        value = parse_number(_strip_unit(raw, question.unit))
        assert question.answer_number is not None
        # A hair of slack so that 0.1 + 0.2-style decimal noise never fails a
        # typed answer that equals the bound.
        slack = 1e-9 * max(1.0, abs(question.answer_number))
        ok = abs(value - question.answer_number) <= question.tolerance + slack
        return Checked(ok, raw, format_number(value))
    if qtype is QuestionType.SHORT_ANSWER:
        given = normalize_text_answer(raw)
        if not given:
            raise InvalidAnswer(_("type an answer"))
        ok = any(given == normalize_text_answer(a) for a in question.accept)
        if not ok and question.unordered:
            ok = any(same_set(raw, a) for a in question.accept)
        return Checked(ok, raw, given)
    raise ValueError(f"{qtype.value} questions are graded by the user, not checked")


def format_number(value: float) -> str:
    """128.0 -> "128", 0.5 -> "0.5": the shortest faithful form."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
