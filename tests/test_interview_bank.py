"""The `open` question type (#17) in banks: validator, loader, cache, show, list, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import run
from quizcli import paths
from quizcli.bank import load_library, validate_paths
from quizcli.model import QuestionType

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "interview" / "content"

HEAD = """format_version: 1
id: ivx
title: {en: Open, zh: 开放}
description: {en: Open questions., zh: 开放问题。}
questions:
"""


def question(qid: str = "ivx-a", points: int = 3, follow_ups: str = "", extra_point: str = "",
             phrases: str = '{en: ["batch mean"], zh: ["批 均值"]}') -> str:
    pts = "".join(f"""      - id: p{i}
        text: {{en: Point {i}., zh: 要点 {i}。}}
        phrases: {phrases}
""" for i in range(1, points + 1))
    return f"""  - id: {qid}
    type: open
    prompt: {{en: Why {qid}?, zh: 为什么 {qid}？}}
    answer: {{en: Because., zh: 因为。}}
    key_points:
{pts}{extra_point}{follow_ups}    explanation: {{en: Why., zh: 原因。}}
    tags: [bn]
    difficulty: 2
"""


def problems_of(tmp_path: Path, body: str, builtin: bool = False) -> list:
    """The problems of one bank; `builtin`: as the built-in content (QUIZCLI_CONTENT points at it)."""
    folder = tmp_path / ("content" if builtin else "user")
    folder.mkdir(exist_ok=True)
    f = folder / "ivx.yaml"
    f.write_text(HEAD + body, encoding="utf-8")
    if builtin:
        assert paths.builtin_content_dir() == folder
        return validate_paths([f])
    return validate_paths([f], against_builtin=False)


def test_fixture_bank_loads_with_key_points_and_follow_ups(monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURE))
    lib = load_library()
    q = lib.question("norm-iv-train-vs-test")
    assert q.type is QuestionType.OPEN and q.type.self_graded
    assert [p.id for p in q.key_points] == ["batch-stats", "running-avg", "independent"]
    assert "running mean|var" in q.key_points[1].phrases.zh
    assert q.follow_ups[0].id == "norm-iv-batch-one" and q.follow_ups[0].when == "missed"
    assert q.answer_text.en.startswith("In training")
    why = lib.question("norm-iv-why-not-ics")
    assert why.key_points[0].avoid.en
    # The second load comes from the bank cache and must be the same.
    assert load_library().question("norm-iv-train-vs-test") == q


def test_valid_open_questions(tmp_path, no_builtin):
    body = question("ivx-a", follow_ups="""    follow_ups:
      - id: ivx-b
        when: missed
        point: p1
      - id: ivx-b
""") + question("ivx-b")
    assert problems_of(tmp_path, body) == []


@pytest.mark.parametrize("body, field, words", [
    (question(follow_ups="    follow_ups:\n      - id: ivx-nowhere\n"),
     "questions[0].follow_ups[0].id", "follow-up to a missing id `ivx-nowhere`"),
    (question(follow_ups="    follow_ups:\n      - id: ivx-b\n        when: missed\n        point: nope\n") + question("ivx-b"),
     "questions[0].follow_ups[0].point", "`nope` is not a key point of this question"),
    (question(follow_ups="    follow_ups:\n      - id: ivx-b\n        when: missed\n") + question("ivx-b"),
     "questions[0].follow_ups[0]", "a follow-up with `when` needs `point`"),
    (question(follow_ups="    follow_ups:\n      - id: ivx-b\n        when: sometimes\n        point: p1\n") + question("ivx-b"),
     "questions[0].follow_ups[0].when", "`when` must be missed or covered"),
    (question(follow_ups="    follow_ups:\n      - id: ivx-b\n        point: p1\n") + question("ivx-b"),
     "questions[0].follow_ups[0].point", "`point` is given without `when`"),
    (question(follow_ups="    follow_ups:\n      - id: ivx-b\n        because: x\n") + question("ivx-b"),
     "questions[0].follow_ups[0].because", "unknown key `because`"),
    (question(extra_point="      - id: p1\n        text: {en: Again., zh: 又。}\n        phrases: {en: [x], zh: [y]}\n"),
     "questions[0].key_points[3].id", "the key point id `p1` is used twice"),
    (question(extra_point="      - id: Bad Id\n        text: {en: Again., zh: 又。}\n        phrases: {en: [x], zh: [y]}\n"),
     "questions[0].key_points[3].id", "does not match [a-z0-9][a-z0-9_-]*"),
    (question(points=0).replace("    key_points:\n", "    key_points: []\n"),
     "questions[0].key_points", "needs 1 to 8 key points, not 0"),
    (question(phrases="{en: [], zh: []}"), "questions[0].key_points[0].phrases", "gives no phrase"),
    (question(phrases='{en: ["a||b"]}'), "questions[0].key_points[0].phrases.en[0]", "empty alternative"),
    (question(phrases='{en: ["-- ..."]}'), "questions[0].key_points[0].phrases.en[0]", "nothing to match"),
    (question(phrases='{en: ["x"], fr: ["y"]}'), "questions[0].key_points[0].phrases.fr", "unknown language `fr`"),
    (question(phrases='["x"]'), "questions[0].key_points[0].phrases", "must be a mapping"),
    (question(extra_point="      - id: p9\n        text: {en: Again., zh: 又。}\n        phrases: {en: [x]}\n        hint: no\n"),
     "questions[0].key_points[3].hint", "unknown key `hint`"),
    (question().replace("    key_points:\n", "    choices: []\n    key_points:\n"),
     "questions[0].choices", "`choices` is not used by open questions"),
    (question().replace("    answer: {en: Because., zh: 因为。}\n", ""), "questions[0]", "has no `answer`"),
    (question().replace("    key_points:\n", "    key_pionts: []\n    key_points:\n"), "questions[0].key_pionts",
     "did you mean `key_points`?"),
])
def test_problems_name_field_line_and_fix(tmp_path, no_builtin, body, field, words):
    problems = problems_of(tmp_path, body)
    hits = [p for p in problems if words in str(p)]
    assert hits, [str(p) for p in problems]
    assert hits[0].field == field, str(hits[0])
    assert hits[0].line is not None and hits[0].hint


def test_cycle_of_follow_ups_is_named(tmp_path, no_builtin):
    up = "    follow_ups:\n      - id: {}\n"
    body = (question("ivx-a", follow_ups=up.format("ivx-b")) + question("ivx-b", follow_ups=up.format("ivx-c"))
            + question("ivx-c", follow_ups=up.format("ivx-a")))
    problems = [p for p in problems_of(tmp_path, body) if "cycle" in p.message]
    assert len(problems) == 1
    assert "ivx-a -> ivx-b -> ivx-c -> ivx-a" in problems[0].message
    # A question that follows itself is a cycle too.
    problems = problems_of(tmp_path, question("ivx-a", follow_ups=up.format("ivx-a")))
    assert any("cycle of follow-ups: ivx-a -> ivx-a" in p.message for p in problems)


def test_follow_up_must_be_open(tmp_path, no_builtin):
    body = question(follow_ups="    follow_ups:\n      - id: ivx-card\n") + """  - id: ivx-card
    type: flashcard
    prompt: {en: Front, zh: 正面}
    answer: {en: Back, zh: 背面}
    explanation: {en: Why, zh: 原因}
    tags: [bn]
    difficulty: 1
"""
    problems = problems_of(tmp_path, body)
    assert any("is a flashcard question, not an open one" in p.message for p in problems)


def test_builtin_rules_are_stricter(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(tmp_path / "content"))
    # 3-6 key points and phrases in both languages in a built-in bank; 1-8 and either language in a user bank.
    assert problems_of(tmp_path, question(points=2, phrases='{en: ["x"]}')) == []
    problems = problems_of(tmp_path, question(points=2, phrases='{en: ["x"]}'), builtin=True)
    messages = " | ".join(p.message for p in problems)
    assert "needs 3 to 6 key points, not 2" in messages
    assert "has no `zh` phrases" in messages
    problems = problems_of(tmp_path, question(points=9))
    assert any("needs 1 to 8 key points, not 9" in p.message for p in problems)


def test_show_list_and_json(monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURE))
    code, out, _ = run(["show", "norm-iv-train-vs-test"])
    assert code == 0 and "Key points" in out and "running averages of the mean" in out
    assert "norm-iv-batch-one (when batch-stats is missed)" in out
    code, out, _ = run(["list", "--type", "open"])
    assert code == 0 and "norm-iv-why-not-ics" in out and "norm-tf" not in out
    code, out, _ = run(["show", "norm-iv-train-vs-test", "--json"])
    data = json.loads(out)
    assert data["key_points"][0]["id"] == "batch-stats"
    assert data["follow_ups"][1] == {"id": "norm-iv-why-not-ics", "when": "covered", "point": "running-avg"}


def test_export_formats_carry_the_model_answer_and_key_points(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURE))
    for fmt, name in (("markdown", "x.md"), ("csv", "x.csv"), ("json", "x.json")):
        out_file = tmp_path / name
        code, out, err = run(["export", "--format", fmt, "--topic", "norm", "-o", str(out_file)])
        assert code == 0, err
        text = out_file.read_text(encoding="utf-8")
        assert "Inference uses running averages" in text, fmt
        assert "In training BN normalizes" in text, fmt
    # JSON is bank format: it validates and loads back as the same questions.
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    data["id"] = "norm_copy"
    for q in data["questions"]:
        q["id"] = q["id"].replace("norm-", "copy-")
        for f in q.get("follow_ups", ()):
            f["id"] = f["id"].replace("norm-", "copy-")
    copy = tmp_path / "copy.yaml"
    copy.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    lib = load_library(extra=[copy])
    a, b = lib.question("norm-iv-train-vs-test"), lib.question("copy-iv-train-vs-test")
    assert a.key_points == b.key_points and a.answer_text == b.answer_text
    assert [f.id for f in b.follow_ups] == ["copy-iv-batch-one", "copy-iv-why-not-ics"]


def test_json_schema_knows_open_questions():
    import jsonschema
    import yaml

    from quizcli.authoring.schema import build

    validator = jsonschema.Draft201909Validator(build())
    data = yaml.safe_load((FIXTURE / "norm.yaml").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []
    q = data["questions"][1]
    q["key_points"][0]["phrases"]["fr"] = ["x"]
    q["follow_ups"][0].pop("point")
    q["key_points"][1]["hint"] = "x"
    errors = [e.message for e in validator.iter_errors(data)]
    assert any("'fr'" in e for e in errors) and any("'point' is a dependency of 'when'" in e for e in errors)
    assert any("'hint'" in e for e in errors)


def test_lint_checks_key_points(tmp_path, no_builtin):
    from quizcli.authoring.lint import lint_paths

    body = question(points=0, extra_point="""      - id: unmatched
        text: {en: The running average is used., zh: 用滑动平均。}
        phrases: {en: ["batch mean"], zh: ["滑动平均"]}
      - id: blocked
        text: {en: BN smooths the landscape., zh: BN 让曲面平滑。}
        phrases: {en: ["smooth landscape"], zh: ["平滑"]}
        avoid: {en: ["smooth"]}
      - id: one-language
        text: {en: Use GroupNorm., zh: 用 GroupNorm。}
        phrases: {en: ["groupnorm"]}
""").replace("    key_points:\n", "    key_points:\n")
    f = tmp_path / "lint.yaml"
    f.write_text(HEAD + body, encoding="utf-8")
    report = lint_paths([f], against_builtin=False)
    assert report.errors == []
    found = {(fi.rule, fi.problem.field) for fi in report.findings}
    assert ("key-point-unmatched", "questions[0].key_points[0].phrases") in found      # the en text
    assert ("avoid-blocks-key-point", "questions[0].key_points[1].avoid") in found
    assert ("phrases-one-language", "questions[0].key_points[2].phrases") in found
    assert not any(field.startswith("questions[0].key_points[2]") and rule == "key-point-unmatched"
                   for rule, field in found)           # "GroupNorm" matches, in both texts


def test_question_lines_skip_key_point_and_follow_up_ids(monkeypatch):
    # A follow-up names a question before the question itself: its `- id:` line is not the question's.
    monkeypatch.setenv(paths.ENV_CONTENT, str(FIXTURE))
    lines = (FIXTURE / "norm.yaml").read_text(encoding="utf-8").splitlines()
    for q in load_library().questions:
        assert lines[q.line - 1] == f"  - id: {q.id}", (q.id, q.line)
