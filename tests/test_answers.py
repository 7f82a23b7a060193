"""Answer checking: letters, true/false words, numbers, normalized text."""

from __future__ import annotations

import pytest

from quizcli import answers
from quizcli.answers import InvalidAnswer
from quizcli.model import Choice, Question, QuestionType, Text


def _q(qtype: QuestionType, **kw) -> Question:
    return Question(id="t-q", type=qtype, prompt=Text(en="p"), explanation=Text(en="e"), bank_id="t", **kw)


def _choices(*correct: bool) -> tuple[Choice, ...]:
    return tuple(Choice(text=Text(en=f"c{i}"), correct=c) for i, c in enumerate(correct))


@pytest.mark.parametrize("raw, expected", [
    ("a", (0,)), ("A", (0,)), (" c ", (2,)), ("a,c", (0, 2)), ("ac", (0, 2)), ("A C", (0, 2)),
    ("c;a", (0, 2)), ("ａ，ｃ", (0, 2)), ("a、c", (0, 2)), ("aa", (0,)),
])
def test_parse_choices(raw, expected):
    assert answers.parse_choices(raw, 4, multiple=True) == expected


@pytest.mark.parametrize("raw", ["", "e", "a,z", "1", "??"])
def test_parse_choices_rejects(raw):
    with pytest.raises(InvalidAnswer):
        answers.parse_choices(raw, 4, multiple=True)


def test_single_choice_takes_one_letter():
    with pytest.raises(InvalidAnswer, match="one letter"):
        answers.parse_choices("ab", 3, multiple=False)


def test_single_choice_with_shuffled_order():
    q = _q(QuestionType.SINGLE_CHOICE, choices=_choices(False, True, False))
    # Shown order: letter a = choice 1 (the correct one).
    assert answers.check(q, "a", order=(1, 0, 2)).correct
    assert not answers.check(q, "b", order=(1, 0, 2)).correct
    assert answers.check(q, "b").correct     # unshuffled


def test_multiple_choice_needs_exact_set():
    q = _q(QuestionType.MULTIPLE_CHOICE, choices=_choices(True, False, True, False))
    assert answers.check(q, "a,c").correct
    assert answers.check(q, "CA").correct
    assert not answers.check(q, "a").correct
    assert not answers.check(q, "a,b,c").correct


@pytest.mark.parametrize("raw", ["t", "T", "true", "y", "Yes", "对", "是", "ｔ", "正确"])
def test_true_words(raw):
    assert answers.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["f", "False", "n", "no", "错", "否", "错误"])
def test_false_words(raw):
    assert answers.parse_bool(raw) is False


def test_bool_rejects_other_words():
    with pytest.raises(InvalidAnswer):
        answers.parse_bool("maybe")


def test_true_false_check():
    q = _q(QuestionType.TRUE_FALSE, answer_bool=False)
    assert answers.check(q, "错").correct
    assert not answers.check(q, "t").correct


@pytest.mark.parametrize("raw, value", [
    ("128", 128), ("１２８", 128), (" 1e-3 ", 0.001), ("1,024", 1024), ("0,5", 0.5), ("－2", -2),
    ("−2", -2), ("- 2", -2), ("1 024", 1024), ("+3.5", 3.5), (".5", 0.5),
])
def test_parse_number(raw, value):
    assert answers.parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["", "abc", "nan", "inf", "1.2.3", "12 34"])
def test_parse_number_rejects(raw):
    with pytest.raises(InvalidAnswer):
        answers.parse_number(raw)


def test_numeric_tolerance_is_inclusive_and_absolute():
    q = _q(QuestionType.NUMERIC, answer_number=0.1, tolerance=0.01)
    assert answers.check(q, "0.11").correct
    assert answers.check(q, "0.09").correct
    assert not answers.check(q, "0.111").correct
    exact = _q(QuestionType.NUMERIC, answer_number=128.0)
    assert answers.check(exact, "128.0").correct
    assert not answers.check(exact, "129").correct


def test_numeric_accepts_the_unit():
    q = _q(QuestionType.NUMERIC, answer_number=128.0, unit="params")
    assert answers.check(q, "128 params").correct
    assert answers.check(q, "128").correct


@pytest.mark.parametrize("raw", ["H, W", "h,w", "  H,   W ", "Ｈ，Ｗ", "ｈｗ", "HW"])
def test_short_answer_normalization(raw):
    q = _q(QuestionType.SHORT_ANSWER, accept=("H, W", "HW", "h,w"))
    assert answers.check(q, raw).correct


def test_short_answer_chinese_and_wrong():
    q = _q(QuestionType.SHORT_ANSWER, accept=("批归一化", "batch norm"))
    assert answers.check(q, "批归一化").correct
    assert answers.check(q, "Batch  Norm").correct
    assert not answers.check(q, "layer norm").correct
    with pytest.raises(InvalidAnswer):
        answers.check(q, "   ")


def test_flashcards_are_graded_not_checked():
    q = _q(QuestionType.FLASHCARD, answer_text=Text(en="x"))
    with pytest.raises(ValueError):
        answers.check(q, "anything")
    assert [answers.parse_grade(g) for g in ("1", "hard", "3", "Easy", "y", "n")] == [1, 2, 3, 4, 3, 1]
    assert not answers.grade_is_correct(1) and answers.grade_is_correct(2)
    with pytest.raises(InvalidAnswer):
        answers.parse_grade("5")


def test_format_number():
    assert answers.format_number(128.0) == "128"
    assert answers.format_number(0.5) == "0.5"
    assert answers.format_number(-2.0) == "-2"


@pytest.mark.parametrize("a, b", [("H, W", "h,w"), ("Ｈ，Ｗ", "h, w"), ("批 归一化", "批归一化"), ("(N, C)", "( n,c )")])
def test_text_answer_normalization_equal(a, b):
    assert answers.normalize_text_answer(a) == answers.normalize_text_answer(b)


def test_text_answer_normalization_keeps_words_apart():
    assert answers.normalize_text_answer("batch norm") != answers.normalize_text_answer("batchnorm")


# -- what Chinese input methods produce (#14) ------------------------------


@pytest.mark.parametrize("a, b", [
    ("H和W", "H 和 W"), ("Ｈ和Ｗ", "H 和 W"), ("批 归一化 层", "批归一化层"), ("m/(m−1)", "m/(m-1)"),
    ("（－1，1）", "(-1, 1)"), ("N、H、W", "N, H, W"), ("0.9 和 0.999", "0.9和0.999"),
    ("β１＝0.9", "β1 = 0.9"), ("ReLU 函数", "relu函数"),
])
def test_text_answers_equal_after_ime_folding(a, b):
    assert answers.normalize_text_answer(a) == answers.normalize_text_answer(b)


@pytest.mark.parametrize("raw", ["H和W", "Ｈ和Ｗ", "H 和 W", "h,w", "H、W", "Ｈ，Ｗ", "h , w"])
def test_short_answer_from_an_ime_is_right(raw):
    q = _q(QuestionType.SHORT_ANSWER, accept=("H, W", "H 和 W"))
    assert answers.check(q, raw).correct


@pytest.mark.parametrize("raw", ["W, H", "W和H", "(W, H)", "W H", "w and h", "W、H"])
def test_set_answers_in_any_order(raw):
    q = _q(QuestionType.SHORT_ANSWER, accept=("H, W",), unordered=True)
    assert answers.check(q, raw).correct


@pytest.mark.parametrize("raw", ["W, H", "H", "H, W, N", "H, H"])
def test_set_answers_need_the_same_items(raw):
    ordered = _q(QuestionType.SHORT_ANSWER, accept=("H, W",))
    assert not answers.check(ordered, "W, H").correct     # a sequence keeps its order
    unordered = _q(QuestionType.SHORT_ANSWER, accept=("H, W",), unordered=True)
    if raw != "W, H":
        assert not answers.check(unordered, raw).correct


def test_set_items_keep_multiword_items_whole():
    q = _q(QuestionType.SHORT_ANSWER, accept=("batch norm, layer norm",), unordered=True)
    assert answers.check(q, "layer norm, batch norm").correct
    assert not answers.check(q, "norm batch, norm layer").correct


@pytest.mark.parametrize("raw", ["是的", "对的", "正确", "没错", "是", "真", "对", "yes", "Y", "true", "T", "确实", "√"])
def test_true_words_in_chinese(raw):
    assert answers.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["不对", "错误", "不是", "错的", "否", "假", "不正确", "no", "F", "错", "×", "不"])
def test_false_words_in_chinese(raw):
    assert answers.parse_bool(raw) is False


@pytest.mark.parametrize("raw", ["是的。", "不对！", "正确 ", "错误。"])
def test_true_false_ignores_end_punctuation(raw):
    assert answers.parse_bool(raw) in (True, False)


def test_brackets_matter_in_an_ordered_answer():
    # An open interval is not a closed one: brackets are kept unless the answer is a set.
    q = _q(QuestionType.SHORT_ANSWER, accept=("(-1, 1)",))
    assert answers.check(q, "（−1，1）").correct
    assert not answers.check(q, "[-1, 1]").correct


def test_set_of_single_letters_typed_together():
    q = _q(QuestionType.SHORT_ANSWER, accept=("N, H, W",), unordered=True)
    for raw in ("NHW", "whn", "Ｈ Ｗ Ｎ", "N和H和W"):
        assert answers.check(q, raw).correct, raw
    for raw in ("HW", "NHWC", "NNHW"):
        assert not answers.check(q, raw).correct, raw
