"""Code exercises (#18): every reference passes, every starter fails cleanly,
every wrong solution in tests/data/exercises_wrong/ fails the test it names,
with a message that points at the mistake; the runner survives what a
candidate's code can do (crash, hang, NaN, memory, sys.exit, print flood).

Each exercise's files are graded in one child process (torch imported once).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

pytest.importorskip("torch")

from quizcli import paths  # noqa: E402
from quizcli.exercise import folders, runner  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = paths.builtin_demos_dir() / folders.SUBFOLDER
WRONG = Path(__file__).resolve().parent / "data" / "exercises_wrong"
NAMES = sorted(p.name for p in EXERCISES.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
EXPECT = re.compile(r"#\s*expect:\s*(test_\w+)")
SAYS = re.compile(r"#\s*says:\s*(.+)")


def wrong_solutions(name: str) -> list[Path]:
    folder = WRONG / name
    return sorted(folder.glob("*.py")) if folder.is_dir() else []


def expectation(path: Path) -> tuple[str, list[str]]:
    """The test a wrong solution must fail (first line), and words its message must hold (`# says:` lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    m = EXPECT.match(lines[0]) if lines else None
    assert m, f"{path}: the first line must be `# expect: test_name`"
    says = [s.group(1).strip() for line in lines[1:4] if (s := SAYS.match(line))]
    return m.group(1), says


@functools.lru_cache(maxsize=None)
def graded(name: str) -> dict[str, runner.Grade]:
    ex = folders.locate(name, "", builtin=True)
    files = [ex.solution, ex.starter, *wrong_solutions(name)]
    grades = runner.grade_many(files, ex, timeout=240)
    return dict(zip((str(f) for f in files), grades))


def test_catalog():
    assert len(NAMES) >= 8
    for name in NAMES:
        ex = folders.locate(name, "", builtin=True)
        assert not folders.missing(ex), name
        assert len(wrong_solutions(name)) >= 3, f"{name}: keep at least three wrong solutions"
        starter = ex.starter.read_text(encoding="utf-8")
        assert "raise NotImplementedError" in starter and '"""' in starter, name


@pytest.mark.parametrize("name", NAMES)
def test_exercise(name):
    ex = folders.locate(name, "", builtin=True)
    grades = graded(name)
    ref = grades[str(ex.solution)]
    assert ref.passed, (name, ref.error, [t for t in ref.tests if not t.passed])
    assert len(ref.tests) >= 3
    starter = grades[str(ex.starter)]
    assert not starter.passed and not starter.error
    # Every test fails with "not implemented yet" (test_own_code, the FORBIDDEN check, passes a starter).
    assert all("not implemented yet" in t.message for t in starter.tests if t.name != "test_own_code"), starter.tests
    for path in wrong_solutions(name):
        expected, says = expectation(path)
        assert expected in {t.name for t in ref.tests}, f"{path.name}: no test {expected} in {name}'s grader"
        g = grades[str(path)]
        assert not g.passed, f"{name}/{path.name}: the grader passed a wrong solution"
        failed = {t.name: t.message for t in g.tests if not t.passed}
        assert expected in failed, f"{name}/{path.name}: expected {expected} to fail; failed: {failed}"
        for word in says:
            assert word.lower() in failed[expected].lower(), (
                f"{name}/{path.name}: the message of {expected} should say {word!r}: {failed[expected]!r}")


def test_the_bank_new_template_exercise(tmp_path):
    """`quizcli bank new` writes a code question's exercise: its reference passes, its starter fails cleanly."""
    from quizcli.authoring.new import new_exercise_files

    for rel, text in new_exercise_files("mine").items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    folder = tmp_path / "demos" / "exercises" / "mine_softmax"
    ex = folders.ExerciseFiles("mine_softmax", folder, builtin=True)    # trusted here: the test wrote it
    ref, starter = runner.grade_many([ex.solution, ex.starter], ex, timeout=120)
    assert ref.passed and not starter.passed and "not implemented yet" in starter.tests[0].message


# -- the code questions in the banks


BANK = """format_version: 1
id: mine
title: Mine
description: Mine.
questions:
  - id: mine-code
    type: code
    exercise: {exercise}
    prompt: Write softmax.
    hints: {hints}
    explanation: Subtract the maximum.
    tags: []
    difficulty: 1
"""


def _problems(tmp_path, exercise="mine_softmax", hints="[Subtract the max.]", files=True):
    from quizcli.authoring.new import new_exercise_files
    from quizcli.bank import validate_paths

    if files:
        for rel, text in new_exercise_files("mine").items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text, encoding="utf-8")
    bank = tmp_path / "mine.yaml"
    bank.write_text(BANK.format(exercise=exercise, hints=hints), encoding="utf-8")
    return [str(p) for p in validate_paths([bank], against_builtin=False)]


def test_a_valid_code_question(tmp_path):
    assert _problems(tmp_path) == []


@pytest.mark.parametrize("exercise, hints, files, says", [
    ("mine_softmax", "[]", True, "questions[0].hints: a code question needs 1 to 5 hints, not 0"),
    ("mine_softmax", "Subtract the max.", True, "hints must be a list, not the text"),
    ("mine_softmax", "[a, b, c, d, e, f]", True, "needs 1 to 5 hints, not 6"),
    ("mine_softmax", "[{en: ok, fr: non}]", True, "unknown language `fr` in the hint"),
    ("Mine-Softmax", "[a]", True, "the exercise name `Mine-Softmax` does not match [a-z][a-z0-9_]*"),
    ("mine_other", "[a]", True, "exercise `mine_other` has no starter.py, solution.py, grader.py in"),
    ("mine_softmax", "[a]", False, "exercise `mine_softmax` has no starter.py, solution.py, grader.py"),
])
def test_code_question_problems(tmp_path, exercise, hints, files, says):
    problems = _problems(tmp_path, exercise, hints, files)
    assert any(says in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "mine.yaml") + ":") for p in problems)     # file:line


def test_code_question_without_its_keys(tmp_path):
    (tmp_path / "mine.yaml").write_text(BANK.replace("    exercise: {exercise}\n", "").replace(
        "    hints: {hints}\n", ""), encoding="utf-8")
    from quizcli.bank import validate_paths

    text = " ".join(str(p) for p in validate_paths([tmp_path / "mine.yaml"], against_builtin=False))
    assert "a code question has no `exercise`" in text and "a code question has no `hints`" in text


def test_builtin_code_questions():
    """Each built-in exercise has one code question, with 2-3 hints and a claim; each code question's folder exists."""
    from quizcli.bank import load_library

    code = [q for q in load_library().questions if q.type.value == "code"]
    assert len(code) >= 20 and sorted(q.exercise for q in code) == NAMES
    for q in code:
        assert 2 <= len(q.hints) <= 3, q.id
        assert q.claim or q.id == "hp-code-clip-grad-norm", f"{q.id}: link the claim the exercise practises"
        assert not folders.missing(folders.for_question(q)), q.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_failure_messages_in_the_interface_language(lang):
    """The grader's messages (kit, the child, a grader's own kit._) follow the interface's language."""
    from quizcli import i18n

    i18n.set_lang(lang)
    norm = folders.locate("layer_norm", "", builtin=True)
    starter, wrong = runner.grade_many([norm.starter, WRONG / "layer_norm" / "batch_axis.py"], norm, timeout=240)
    warm = folders.locate("cosine_warmup", "", builtin=True)
    (own,) = runner.grade_many([WRONG / "cosine_warmup" / "warmup_from_zero.py"], warm, timeout=240)
    messages = {
        "child": next(t.message for t in starter.tests if t.name != "test_own_code"),
        "kit": next(t.message for t in wrong.tests if t.name == "test_tokens"),
        "grader": next(t.message for t in own.tests if t.name == "test_warmup"),
    }
    if lang == "zh":
        assert "尚未实现" in messages["child"], messages
        assert "最大绝对误差" in messages["kit"] and "输入：" in messages["kit"], messages
        assert "第 0 步的学习率：应为" in messages["grader"], messages
    else:
        assert "not implemented yet" in messages["child"], messages
        assert "y: max abs error" in messages["kit"] and "input: " in messages["kit"], messages
        assert "lr at step 0: expected" in messages["grader"], messages
    for text in messages.values():
        has_chinese = re.search(r"[\u4e00-\u9fff]", text) is not None
        assert has_chinese == (lang == "zh"), text


def test_forbidden_ops_are_trapped_only_while_the_candidate_runs():
    """A candidate that reaches the forbidden op by a name built at run time fails; the grader's own
    use of that op (the expected values) works before and after, so the reference graded next passes."""
    ex = folders.locate("bn_forward_train", "", builtin=True)
    trick, ref = runner.grade_many([WRONG / "bn_forward_train" / "library_op_caught.py", ex.solution], ex,
                                   timeout=240)
    assert not trick.passed and all("batch_norm" in t.message for t in trick.tests if not t.passed)
    assert {t.name for t in trick.tests if not t.passed} >= {"test_output_2d", "test_no_inplace"}
    assert ref.passed, [t for t in ref.tests if not t.passed]
