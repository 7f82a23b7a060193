"""The bank loader and validator (quizcli/bank): one fixture per kind of problem."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from quizcli import paths
from quizcli.bank import bank_files, check_paths, load_library, validate_paths
from quizcli.errors import BankError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+) (\S+) (.+)$", re.M)


def expectations(path: Path) -> list[tuple[int, str, str]]:
    text = path.read_text(encoding="utf-8")
    return [(int(line), field, what) for line, field, what in EXPECT.findall(text)]


def example_from_readme() -> str:
    """The complete example of content/README.md, so the doc stays honest."""
    text = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.S)
    assert match, "content/README.md lost its complete example"
    return match.group(1)


# --- every kind of problem ------------------------------------------------------------


@pytest.mark.parametrize("path", [p for p in INVALID if expectations(p)], ids=lambda p: p.stem)
def test_invalid_fixture_reports_file_line_and_field(path, no_builtin):
    problems = validate_paths([path])
    assert problems, f"{path.name} should be invalid"
    for line, field, what in expectations(path):
        want_field = "" if field == "-" else field
        matching = [p for p in problems if what in p.message]
        assert matching, f"{path.name}: no problem says {what!r}; got {[str(p) for p in problems]}"
        p = matching[0]
        assert p.file == str(path)
        assert p.line == line, str(p)
        assert p.field == want_field, str(p)
        assert p.column is not None
        assert p.hint, f"{p} should say what to do"


@pytest.mark.parametrize("name", ["empty.yaml", "comments_only.yaml"])
def test_empty_file(name, no_builtin):
    [problem] = validate_paths([FIXTURES / "invalid" / name])
    assert "the file is empty" in problem.message
    assert "quizcli bank new" in problem.hint


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 2200)),
                                  "- " * 30000])
def test_absurd_nesting_is_a_problem_not_a_crash(text, tmp_path, no_builtin):
    bank = tmp_path / "deep.yaml"
    bank.write_text(text)
    [problem] = validate_paths([bank])
    assert "nest" in problem.message and problem.line is not None


def test_every_problem_at_once(tmp_path, no_builtin):
    bad = tmp_path / "many.yaml"
    bad.write_text(
        "format_version: 1\nid: Bad\ntitle: {en: t}\nquestions:\n"
        "  - {id: q1, type: numeric, prompt: p, answer: x, explanation: e, tags: [], difficulty: 9}\n"
        "  - {id: q1, type: flashcard, prompt: p, answr: a, explanation: e, tags: [], difficulty: 1}\n",
        encoding="utf-8",
    )
    problems = validate_paths([bad])
    text = "\n".join(str(p) for p in problems)
    for expected in ("no `description`", "bank id `Bad`", "must be a number", "from 1 to 5",
                     "already used", "did you mean `answer`?", "has no `answer`"):
        assert expected in text
    assert all(p.line for p in problems)


def test_unknown_key_suggests_the_closest(no_builtin):
    problems = validate_paths([FIXTURES / "invalid" / "unknown_key.yaml"])
    assert any(p.hint == "did you mean `explanation`?" for p in problems)


def test_builtin_banks_need_both_languages(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    for src in (FIXTURES / "builtin_invalid").glob("*.yaml"):
        (content / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
        # As a user bank the same file is fine...
        assert validate_paths([src], against_builtin=False) == []
    monkeypatch.setenv(paths.ENV_CONTENT, str(content))
    # ...but not as a built-in one.
    for path in sorted(content.glob("*.yaml")):
        problems = validate_paths([path])
        for line, field, what in expectations(path):
            assert any(p.line == line and p.field == field and what in p.message for p in problems), \
                [str(p) for p in problems]
    with pytest.raises(BankError):
        load_library()


@pytest.mark.parametrize("pair", ["dup_question_id", "dup_bank_id", "dup_claim"])
def test_pairs_are_fine_alone_and_wrong_together(pair, no_builtin):
    folder = FIXTURES / "pairs" / pair
    a, b = folder / "a.yaml", folder / "b.yaml"
    assert validate_paths([a]) == [] and validate_paths([b]) == []
    problems = validate_paths([folder])
    assert len(problems) == 1, [str(p) for p in problems]
    [p] = problems
    assert p.file == str(b) and p.line is not None
    assert str(a) in p.message        # names where the first one is


def test_user_bank_may_not_reuse_a_builtin_question_id(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    pair = FIXTURES / "pairs" / "dup_question_id"
    (content / "a.yaml").write_text((pair / "a.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(paths.ENV_CONTENT, str(content))
    [p] = validate_paths([pair / "b.yaml"])
    assert "fx-shared" in p.message and p.file == str(pair / "b.yaml")
    assert validate_paths([pair / "b.yaml"], against_builtin=False) == []


# --- what must pass -------------------------------------------------------------------


def test_readme_example_validates_and_loads(tmp_path, no_builtin):
    bank = tmp_path / "example.yaml"
    bank.write_text(example_from_readme(), encoding="utf-8")
    assert validate_paths([bank]) == []
    library = load_library(extra=[bank], include_builtin=False)
    [b] = library.banks
    types = {q.type.value for q in b.questions}
    assert types == {"single_choice", "multiple_choice", "true_false", "numeric", "short_answer", "flashcard"}
    q = library.question("example-bn-params")
    assert q.answer_number == 128 and q.claim == "bn_param_count_2c"
    assert library.claim("bn_param_count_2c").verdict.value == "true"


def test_valid_fixtures(no_builtin):
    assert validate_paths([FIXTURES / "valid", FIXTURES / "valid" / "with_demo"]) == []


def test_single_language_bank_falls_back_with_a_marker(no_builtin):
    library = load_library(extra=[FIXTURES / "valid" / "single_language.yaml"], include_builtin=False)
    q = library.question("fx-single-lang-1")
    assert q.prompt.get("zh") == "[en] What is 2C for BatchNorm2d(C)?"
    assert q.answer_text.get("zh") == "The number of learnable parameters."   # a plain string is both
    assert library.claim("fx_bool_verdict").verdict.value == "false"           # YAML boolean accepted


def test_user_demo_beside_the_bank_counts_as_known(no_builtin):
    library = load_library(extra=[FIXTURES / "valid" / "with_demo"], include_builtin=False)
    q = library.question("fx-with-demo")
    assert q.demo == "fx_own_demo" and q.answer_number == 1000.0   # 1e3 is a number in YAML 1.2


def test_content_folder_validates():
    content = ROOT / "content"
    if not bank_files(content) or all(p.name.upper().startswith("README") for p in bank_files(content)):
        pytest.skip("content/ has no banks yet")
    problems = validate_paths([content])
    assert problems == [], "\n".join(str(p) for p in problems)


def test_load_library_loads_builtin_content():
    if not bank_files(paths.builtin_content_dir()):
        pytest.skip("content/ has no banks yet")
    library = load_library()
    assert library.banks and all(b.builtin for b in library.banks)
    assert len({q.id for q in library.questions}) == len(library.questions)


def test_include_builtin_decides_whether_the_builtin_banks_load(monkeypatch):
    """Built-in banks (here the quiz fixtures, as QUIZCLI_CONTENT) load beside a
    user bank unless include_builtin=False; the library and its index agree."""
    from quizcli.bank.index import load_index

    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURES.parent / "quiz" / "content"))
    user = FIXTURES / "valid" / "single_language.yaml"
    for load in (load_library, load_index):
        with_builtin = load(extra=[user])
        assert {b.builtin for b in with_builtin.banks} == {True, False}, load
        without = load(extra=[user], include_builtin=False)
        assert [b.builtin for b in without.banks] == [False], load


# --- malformed input: clear problems, never a traceback --------------------------------


def test_missing_path_and_folder_without_banks(tmp_path, no_builtin):
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    (empty / "README.md").write_text("# not a bank\n")
    problems = validate_paths([tmp_path / "nope.yaml", empty])
    messages = {p.file: p.message for p in problems}
    assert messages[str(tmp_path / "nope.yaml")] == "no such file or folder"
    assert "no bank files" in messages[str(empty)]


def test_bank_files_skips_readme_and_hidden(tmp_path):
    for name in ("a.yaml", "b.yml", "README.yaml", ".#a.yaml", "notes.txt"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in bank_files(tmp_path)] == ["a.yaml", "b.yml"]


def test_binary_and_non_utf8_files(tmp_path, no_builtin):
    binary = tmp_path / "model.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"format_version: 1\nid: caf\xe9\n")
    problems = {p.file: p for p in validate_paths([binary, latin])}
    assert "binary file" in problems[str(binary)].message
    p = problems[str(latin)]
    assert "UTF-8" in p.message and (p.line, p.column) == (2, 8)


def test_unreadable_file(tmp_path, monkeypatch, no_builtin):
    # chmod 000 does not stop root (CI runs as root), so make open() refuse instead.
    from quizcli.bank import library

    def refuse(path, mode="r", *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(library, "read_regular", refuse, raising=False)
    bank = tmp_path / "secret.yaml"
    bank.write_text("format_version: 1\n")
    [p] = validate_paths([bank])
    assert "permission denied" in p.message and p.file == str(bank)


def test_oversized_file_is_refused_before_parsing(tmp_path, monkeypatch, no_builtin):
    from quizcli.bank import yamlio

    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 1024)   # a small bound instead of 16 MiB
    big = tmp_path / "big.yaml"
    big.write_text("format_version: 1\n" + "# padding\n" * 200)
    [p] = validate_paths([big])
    assert "larger than" in p.message and "split it" in p.hint


def test_alias_bomb_stops_at_the_bound(monkeypatch, no_builtin):
    from quizcli.bank import yamlio

    monkeypatch.setattr(yamlio, "MAX_ALIAS_NODES", 500)   # a small bound: trips at the third level
    [p] = validate_paths([FIXTURES / "invalid" / "alias_bomb.yaml"])
    assert "aliases expand to more than 500" in p.message
    assert p.line == 6


def test_alias_bomb_with_the_real_limits_in_bounded_memory(tmp_path):
    """Run the real 10^9-node bomb in a child with a memory cap and a timeout."""
    import subprocess
    import sys

    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pathlib import Path\n"
        "from quizcli.bank import validate_paths\n"
        "print(validate_paths([Path(sys.argv[1])], against_builtin=False)[0].message)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(FIXTURES / "invalid" / "alias_bomb.yaml")],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QUIZCLI_HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert "aliases expand to more than" in out.stdout


def test_yaml_is_data_only(tmp_path, no_builtin):
    marker = tmp_path / "pwned"
    bank = tmp_path / "evil.yaml"
    bank.write_text(f"format_version: 1\nid: !!python/object/apply:os.system ['touch {marker}']\n")
    [p] = validate_paths([bank])
    assert "not allowed" in p.message
    assert not marker.exists()


# --- the cache ------------------------------------------------------------------------


def test_warm_load_uses_the_cache_and_survives_a_damaged_one(no_builtin):
    bank = FIXTURES / "valid" / "single_language.yaml"
    first = load_library(extra=[bank], include_builtin=False)
    entries = list((paths.cache_dir() / "banks").glob("*.marshal"))
    assert len(entries) == 1
    assert load_library(extra=[bank], include_builtin=False) == first
    entries[0].write_bytes(b"\x00garbage")
    assert load_library(extra=[bank], include_builtin=False) == first


def _small_banks(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"b{i:04d}.yaml").write_text(
            f"format_version: 1\nid: b{i:04d}\ntitle: Bank {i}\ndescription: small\nquestions:\n"
            f"  - id: b{i:04d}-q\n    type: true_false\n    prompt: Is {i} even?\n    answer: {str(i % 2 == 0).lower()}\n"
            f"    explanation: Parity.\n    tags: []\n    difficulty: 1\n", encoding="utf-8")
    return folder


def test_a_folder_of_many_small_banks_loads_from_the_cache(tmp_path, no_builtin, monkeypatch):
    """Issue #16: a folder of thousands of small banks was parsed on every run (the cache kept 256
    entries); each bank is now cached, and a second load parses none of them."""
    from quizcli.bank import yamlio

    folder = _small_banks(tmp_path / "many", 300)
    calls = []
    real_parse = yamlio.parse
    monkeypatch.setattr(yamlio, "parse", lambda text: calls.append(1) or real_parse(text))
    first = load_library(extra=[folder], include_builtin=False)
    assert len(first.banks) == 300 and len(calls) == 300
    assert len(list((paths.cache_dir() / "banks").glob("*.marshal"))) == 300
    calls.clear()
    assert load_library(extra=[folder], include_builtin=False) == first
    assert calls == []


def test_the_cache_is_pruned_oldest_first_within_its_bounds(tmp_path, no_builtin, monkeypatch):
    from quizcli.bank import cache

    monkeypatch.setattr(cache, "_MAX_ENTRIES", 5)
    load_library(extra=[_small_banks(tmp_path / "many", 8)], include_builtin=False)
    assert len(list((paths.cache_dir() / "banks").glob("*.marshal"))) == 5
    monkeypatch.setattr(cache, "_MAX_ENTRIES", 100)
    monkeypatch.setattr(cache, "_MAX_BYTES", 0)
    cache.prune()
    assert list((paths.cache_dir() / "banks").glob("*.marshal")) == []


def test_parse_errors_still_come_in_file_order_and_no_parsing_thread_is_left(tmp_path, no_builtin):
    import threading

    folder = _small_banks(tmp_path / "many", 40)
    (folder / "b0007.yaml").write_text("format_version: 1\nid: [unclosed\n", encoding="utf-8")
    (folder / "b0031.yaml").write_text("format_version: 1\nid: [unclosed\n", encoding="utf-8")
    before = threading.active_count()
    problems = validate_paths([folder], against_builtin=False)
    assert [Path(p.file).name for p in problems if "b00" in p.file][:2] == ["b0007.yaml", "b0031.yaml"]
    assert threading.active_count() == before


def test_invalid_banks_are_not_cached(no_builtin):
    validate_paths([FIXTURES / "invalid" / "unknown_key.yaml"])
    assert not list((paths.cache_dir() / "banks").glob("*.marshal")) if (paths.cache_dir() / "banks").exists() else True


def test_cross_bank_problems_found_from_cached_banks(no_builtin):
    folder = FIXTURES / "pairs" / "dup_question_id"
    load_library(extra=[folder / "a.yaml"], include_builtin=False)
    load_library(extra=[folder / "b.yaml"], include_builtin=False)   # both cached now
    with pytest.raises(BankError) as err:
        load_library(extra=[folder], include_builtin=False)
    [p] = err.value.problems
    assert p.line == 6 and p.field == "questions[0].id"


# --- the public API -------------------------------------------------------------------


def test_check_paths_counts(no_builtin):
    report = check_paths([FIXTURES / "valid" / "single_language.yaml"])
    assert report.ok and report.banks == 1 and report.questions == 2


def test_user_banks_from_the_environment(monkeypatch, no_builtin):
    monkeypatch.setenv(paths.ENV_BANKS, str(FIXTURES / "valid" / "with_demo"))
    assert load_library().question("fx-with-demo") is not None
    monkeypatch.setenv(paths.ENV_BANKS, str(FIXTURES / "invalid" / "unknown_key.yaml"))
    with pytest.raises(BankError) as err:
        load_library()
    assert any(p.line == 14 for p in err.value.problems)


def test_fast_model_building_puts_each_field_in_its_place(no_builtin):
    """build_bank fills the records by position; built by keyword, they must be equal."""
    from quizcli.bank import yamlio
    from quizcli.bank.library import build_bank
    from quizcli.bank.validate import check_bank
    from quizcli.model import Choice, FollowUp, KeyPoint, Phrases, Question, QuestionType, Text

    def text(t):
        return None if t is None else Text(en=t[0], zh=t[1])

    def points(ps):    # open questions (#17)
        return tuple(KeyPoint(id=p[0], text=text(p[1]), phrases=Phrases(en=tuple(p[2][0]), zh=tuple(p[2][1])),
                              avoid=Phrases(en=tuple(p[3][0]), zh=tuple(p[3][1]))) for p in ps or ())

    content = sorted((Path(__file__).resolve().parents[1] / "content").glob("*.yaml"))   # every type
    for path in [FIXTURES / "valid" / "single_language.yaml", FIXTURES / "valid" / "with_demo" / "notes.yaml",
                 *content]:
        data = check_bank(yamlio.parse(path.read_text(encoding="utf-8")).data, False).bank
        for q in data["questions"]:
            q["line"] = 7
        built = build_bank(data, str(path), False).questions
        expected = tuple(Question(
            id=q["id"], type=QuestionType(q["type"]), prompt=text(q["prompt"]), explanation=text(q["explanation"]),
            bank_id=data["id"], tags=tuple(q["tags"]), difficulty=q["difficulty"], demo=q["demo"],
            refs=tuple(q["refs"]), claim=q["claim"],
            choices=tuple(Choice(text=text(c[0]), correct=c[1], why=text(c[2])) for c in q["choices"]),
            answer_bool=q["answer_bool"], answer_number=q["answer_number"], tolerance=q["tolerance"] or 0.0,
            unit=q["unit"], accept=tuple(q["accept"]), answer_text=text(q["answer_text"]),
            exercise=q.get("exercise"), hints=tuple(text(h) for h in q.get("hints", ())),   # code exercises (#18)
            source=str(path), line=7, unordered=q["unordered"], key_points=points(q["key_points"]),
            follow_ups=tuple(FollowUp(id=f[0], when=f[1], point=f[2]) for f in q["follow_ups"] or ()))
            for q in data["questions"])
        assert built == expected
        # Equal as tuples is not enough: the records are the model's own types all the way down.
        for q in built:
            assert type(q) is Question and type(q.prompt) is Text and type(q.type) is QuestionType
            assert all(type(c) is Choice and type(c.text) is Text for c in q.choices)


# --- claims that no demo backs ---------------------------------------------------------


def test_no_demo_reason_loads(no_builtin):
    library = load_library(extra=[FIXTURES / "valid" / "no_demo.yaml"], include_builtin=False)
    claim = library.claim("fx_nd_reason")
    assert claim.no_demo.en.startswith("It needs image-scale generators")
    assert claim.no_demo.zh.startswith("这需要图像规模")
    assert library.question("fx-nd-reason").demo is None


def test_a_claim_with_a_demo_and_a_no_demo_reason_is_an_error(no_builtin):
    path = FIXTURES / "no_demo" / "both.yaml"
    problems = validate_paths([path])
    [(line, field, what)] = expectations(path)
    assert [(p.file, p.line, p.field) for p in problems] == [(str(path), line, field)], [str(p) for p in problems]
    [p] = problems
    assert what in p.message and "fx_nd_demo" in p.message
    assert f"{path}:10" in p.message            # where the reason is
    assert "no_demo" in p.hint and "demo:" in p.hint


def test_a_user_question_may_not_link_a_demo_to_a_builtin_claim_with_no_demo(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    (content / "reason.yaml").write_text((FIXTURES / "valid" / "no_demo.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    monkeypatch.setenv(paths.ENV_CONTENT, str(content))
    user = tmp_path / "user"
    shutil.copytree(FIXTURES / "no_demo" / "demos", user / "demos")
    text = (FIXTURES / "no_demo" / "both.yaml").read_text(encoding="utf-8")
    (user / "mine.yaml").write_text(text.replace("claim: fx_nd_both", "claim: fx_nd_reason"), encoding="utf-8")
    problems = validate_paths([user / "mine.yaml"])
    assert [(p.file, p.field) for p in problems] == [(str(user / "mine.yaml"), "questions[0].demo")]
    assert "fx_nd_reason" in problems[0].message


# --- where each question is -------------------------------------------------------------


def _id_lines(path: Path) -> dict[str, int]:
    """Question id -> the line of its `- id:` (under `questions:`), read plainly."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines, 1) if line.startswith("questions:"))
    items = [(n, line) for n, line in enumerate(lines, 1) if n > start and line.lstrip().startswith("- id:")]
    indent = items[0][1].index("-")     # the questions' items; deeper ones are key points and follow-ups (#17)
    return {line.split("id:", 1)[1].strip(): n for n, line in items if line.index("-") == indent}


def test_each_question_knows_its_line_cold_and_warm(no_builtin):
    path = FIXTURES / "valid" / "no_demo.yaml"
    for _ in ("cold", "warm"):   # the second load comes from the cache
        library = load_library(extra=[path], include_builtin=False)
        assert {q.id: q.line for q in library.questions} == _id_lines(path) == {"fx-nd-reason": 14}
        assert library.questions[0].source == str(path)


def test_question_lines_in_content_match_their_id_lines():
    library = load_library()
    for bank in library.banks:
        assert {q.id: q.line for q in bank.questions} == _id_lines(Path(bank.source))


def test_question_lines_for_banks_written_in_other_styles(tmp_path, no_builtin):
    bank = tmp_path / "flow.yaml"
    bank.write_text(
        "format_version: 1\n"
        "id: fx_flow\n"
        "title: {en: Flow, zh: 流式}\n"
        "description: {en: Other styles., zh: 其他写法。}\n"
        "questions:\n"
        "  - type: true_false\n"          # `id` not first
        "    id: fx-flow-1\n"
        "    prompt: {en: 'Yes?', zh: '是吗？'}\n"
        "    answer: true\n"
        "    explanation: {en: Because., zh: 因为。}\n"
        "    tags: []\n"
        "    difficulty: 1\n"
        "  - {id: fx-flow-2, type: true_false, prompt: {en: 'No?', zh: '不是吗？'}, answer: false,\n"
        "     explanation: {en: Because., zh: 因为。}, tags: [], difficulty: 1}\n",
        encoding="utf-8")
    library = load_library(extra=[bank], include_builtin=False)
    assert [q.line for q in library.questions] == [6, 13]


def test_a_set_answer_loads_and_takes_any_order(no_builtin):
    from quizcli import answers

    library = load_library(extra=[FIXTURES / "valid" / "set_answer.yaml"], include_builtin=False)
    q = library.question("fx-set-axes")
    assert q.unordered is True
    assert answers.check(q, "W和H").correct
    # Loaded again from the cache, it is still a set.
    again = load_library(extra=[FIXTURES / "valid" / "set_answer.yaml"], include_builtin=False)
    assert again.question("fx-set-axes").unordered is True


def test_a_changed_loader_does_not_trust_the_cache(no_builtin, monkeypatch):
    """The key covers the code that made the cached value: another
    fingerprint (an edited validator) is a miss, and the bank is checked again."""
    from quizcli.bank import cache

    bank = FIXTURES / "valid" / "single_language.yaml"
    first = load_library(extra=[bank], include_builtin=False)
    monkeypatch.setattr(cache, "_code", None)
    assert cache.code_fingerprint() and "bank/validate.py" in cache.code_fingerprint()
    old_key = cache.key(bank.read_bytes(), False, "p")
    monkeypatch.setattr(cache, "_code", cache.code_fingerprint() + ";validate edited")
    assert cache.key(bank.read_bytes(), False, "p") != old_key
    assert load_library(extra=[bank], include_builtin=False) == first
    assert len(list((paths.cache_dir() / "banks").glob("*.marshal"))) == 2   # a miss: checked and stored again


def test_build_bank_fills_every_question_field_by_name(no_builtin):
    """build_bank fills Questions by position, for speed: its order is pinned
    to the model's, and each field holds what the bank says."""
    from quizcli.bank import library
    from quizcli.model import Choice, Question, QuestionType, Text

    assert library.QUESTION_FIELDS == Question._fields, "update bank/library.py QUESTION_FIELDS and build_bank"
    lib = load_library(extra=[FIXTURES / "valid"], include_builtin=False)
    banks = {b.id for b in lib.banks}
    for q in lib.questions:
        assert isinstance(q.id, str) and isinstance(q.type, QuestionType) and q.bank_id in banks
        assert isinstance(q.prompt, Text) and isinstance(q.explanation, Text)
        assert isinstance(q.tags, tuple) and isinstance(q.refs, tuple) and isinstance(q.accept, tuple)
        assert isinstance(q.difficulty, int) and 1 <= q.difficulty <= 5 and isinstance(q.tolerance, float)
        assert all(isinstance(c, Choice) for c in q.choices)
        assert q.answer_text is None or isinstance(q.answer_text, Text)
        assert q.source.endswith((".yaml", ".yml")) and (q.line is None or isinstance(q.line, int))
        assert isinstance(q.unordered, bool) and (not q.unordered or q.type is QuestionType.SHORT_ANSWER)
