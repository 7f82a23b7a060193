"""`quizcli export` and `quizcli import`, through the CLI."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.bank import load_library, validate_paths
from quizcli.cli import app
from quizcli.errors import ExitCode, QuizcliError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "banks"
runner = CliRunner()


def _invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def _strip(q):
    return q._replace(source="", line=None)


def test_json_round_trip_gives_the_same_questions(example, tmp_path):
    out = tmp_path / "export.json"
    _invoke("export", "--format", "json", "-o", str(out), "--bank", str(example))
    back = tmp_path / "back.yaml"
    _invoke("import", str(out), "-o", str(back))
    assert validate_paths([back], against_builtin=False) == []
    before = load_library(extra=[example], include_builtin=False)
    after = load_library(extra=[back], include_builtin=False)
    assert [_strip(q) for q in after.questions] == [_strip(q) for q in before.questions]
    assert after.banks[0].claims == before.banks[0].claims


def test_json_round_trip_of_a_single_language_bank(tmp_path, no_builtin):
    source = FIXTURES / "valid" / "single_language.yaml"
    out, back = tmp_path / "e.json", tmp_path / "b.yaml"
    _invoke("export", "-f", "json", "-o", str(out), "--bank", str(source))
    _invoke("import", str(out), "-o", str(back))
    before = load_library(extra=[source], include_builtin=False).questions
    after = load_library(extra=[back], include_builtin=False).questions
    assert [_strip(q) for q in after] == [_strip(q) for q in before]


def test_csv_export_in_one_language_with_filters(example, tmp_path):
    out = tmp_path / "q.csv"
    _invoke("export", "-f", "csv", "-o", str(out), "--bank", str(example), "--lang", "zh", "--type", "single_choice")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["example-bn-where"]
    assert rows[0]["question"].startswith("对 (N, C, H, W) 输入")
    assert "C. N、H、W" in rows[0]["question"] and rows[0]["answer"].startswith("C. ")  # stable shuffle
    assert rows[0]["tags"] == "bn"


def test_markdown_study_sheet(example, tmp_path):
    out = tmp_path / "sheet.md"
    _invoke("export", "-f", "markdown", "-o", str(out), "--bank", str(example), "--lang", "en")
    text = out.read_text(encoding="utf-8")
    assert "## Example bank (`example`, 6 questions)" in text
    assert "**Answer:** 128" in text and "- B. C, H, W (one mean per sample)" in text  # stable shuffled order


def test_anki_deck_has_a_working_note_for_every_type(example, tmp_path):
    out = tmp_path / "deck.apkg"
    _invoke("export", "-f", "anki", "-o", str(out), "--bank", str(example), "--lang", "en")
    with zipfile.ZipFile(out) as z:
        (tmp_path / "collection.anki2").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "collection.anki2")
    notes = db.execute("select flds, tags from notes").fetchall()
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    db.close()
    assert len(notes) == 6
    from quizcli.authoring.anki_export import FIELDS

    fields = {n[0].split("\x1f")[0]: (dict(zip(FIELDS, n[0].split("\x1f"))), n[1]) for n in notes}   # by Id
    where = fields["example-bn-where"][0]
    assert "over which axes" in where["QuestionEn"].lower() and "C. N, H, W" in where["ChoicesEn"]  # stable shuffle
    assert where["AnswerEn"].startswith("C. N, H, W") and "statistics over the batch" in where["ExplanationEn"]
    assert (where["ShowEn"], where["ShowZh"]) == ("1", "")
    assert fields["example-bn-params"][0]["AnswerEn"] == "128"
    assert fields["example-bn-eval"][0]["AnswerEn"] == "true" and fields["example-bn-eval"][0]["AnswerZh"] == "对"
    assert "example" in fields["example-bn-params"][1].split() and "pytorch" in fields["example-bn-params"][1].split()
    assert any(d["name"] == "quizcli::Example bank · 示例题库" for d in decks.values())


def test_export_with_no_matching_question_is_an_error(example, tmp_path):
    result = runner.invoke(app, ["export", "-f", "csv", "-o", str(tmp_path / "x.csv"), "--bank", str(example),
                                 "--difficulty", "5"])
    assert result.exit_code != 0


def test_import_anki_plain_text_export(tmp_path, no_builtin):
    source = tmp_path / "anki.txt"
    source.write_text("#separator:tab\n#html:true\n#tags column:3\n"
                      "What does BN normalize?<br>Be precise.\tEach channel over N, H, W\tbn Norm\n"
                      "Empty answer\t\t\n"
                      "Why &quot;He&quot; init?\tKeeps the variance with ReLU\tinit\n", encoding="utf-8")
    out = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped line 5: no answer" in result.output
    library = load_library(extra=[out], include_builtin=False)
    q1, q2 = library.questions
    assert q1.id == "mine-001" and q1.prompt.get("en") == "What does BN normalize?\nBe precise."
    assert q1.tags == ("bn", "norm") and q2.prompt.get("en") == 'Why "He" init?'
    assert q1.prompt.get("zh") == "[en] What does BN normalize?\nBe precise."


def test_import_csv_with_header(tmp_path, no_builtin):
    source = tmp_path / "cards.csv"
    source.write_text("front,back,tags,explanation\n\"1e3, written as YAML?\",0o17,yaml,\"Quoted, not a number.\"\n",
                      encoding="utf-8")
    out = tmp_path / "cards.yaml"
    _invoke("import", str(source), "-o", str(out), "--lang", "zh", "--id", "yaml_cards")
    [q] = load_library(extra=[out], include_builtin=False).questions
    assert q.answer_text.zh == "0o17" and q.explanation.zh == "Quoted, not a number." and q.bank_id == "yaml_cards"


def test_import_markdown_cards(tmp_path, no_builtin):
    source = tmp_path / "notes.md"
    source.write_text("# My notes\n\nQ: What is the BN momentum default in PyTorch?\nA: 0.1\n"
                      "E: running = (1 - m) * running + m * batch\nTags: bn pytorch\n\n"
                      "Q: Two-line\nquestion?\nA: Two-line\nanswer.\n", encoding="utf-8")
    out = tmp_path / "notes.yaml"
    _invoke("import", str(source), "-o", str(out))
    q1, q2 = load_library(extra=[out], include_builtin=False).questions
    assert q1.answer_text.en == "0.1" and q1.tags == ("bn", "pytorch")
    assert q1.explanation.en.startswith("running = ")
    assert q2.prompt.en == "Two-line\nquestion?" and q2.answer_text.en == "Two-line\nanswer."


def test_import_refuses_what_it_cannot_read(tmp_path):
    source = tmp_path / "notes.docx"
    source.write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code != 0
    empty = tmp_path / "empty.md"
    empty.write_text("no cards here\n")
    result = runner.invoke(app, ["import", str(empty), "-o", str(tmp_path / "y.yaml")])
    assert result.exit_code != 0 and not (tmp_path / "y.yaml").exists()


# --- the JSON round trip, for any text ----------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30).filter(
    lambda s: s.strip() != "")
TRICKY = st.sampled_from(["yes", "no", "null", "~", "1e3", "0o17", "012", "true", "- a", "a: b", "#x", " lead",
                          "trail ", "[x]", "{y}", "*a", "&b", "!t", "%p", "@q", "`r`", "'", '"', "\\", "a\nb", "\t1",
                          "2024-01-15", ".inf", "1_000", "é", "题"])
ANY_TEXT = TEXT | TRICKY


@settings(max_examples=60, deadline=None)
@given(prompt=ANY_TEXT, answer=ANY_TEXT, accept=st.lists(ANY_TEXT, min_size=1, max_size=3), tag=ANY_TEXT,
       number=st.floats(allow_nan=False, allow_infinity=False, width=32) | st.integers(-10 ** 6, 10 ** 6))
def test_json_round_trip_for_any_text(prompt, answer, accept, tag, number):
    from quizcli.authoring.export import bank_data
    from quizcli.authoring.importer import bank_yaml
    from quizcli.bank import library, yamlio
    from quizcli.bank.validate import check_bank

    data = {"format_version": 1, "id": "rt", "title": {"en": prompt}, "description": {"zh": answer}, "questions": [
        {"id": "rt-1", "type": "flashcard", "prompt": {"en": prompt, "zh": answer}, "answer": {"en": answer},
         "explanation": {"en": prompt}, "tags": [], "difficulty": 1, "refs": [tag]},
        {"id": "rt-2", "type": "short_answer", "prompt": {"en": prompt}, "accept": accept,
         "explanation": {"zh": answer}, "tags": [], "difficulty": 5, "demo": "x", "claim": "c"},
        {"id": "rt-3", "type": "numeric", "prompt": prompt, "answer": number, "tolerance": 0.5, "unit": tag,
         "explanation": answer, "tags": [], "difficulty": 2},
    ]}
    first = check_bank(data, builtin=False)
    assert not first.issues
    bank = library.build_bank(first.bank, "a", False)
    text = bank_yaml(bank_data(bank, bank.questions), "test")
    parsed = yamlio.parse(text)
    assert not parsed.problems
    assert yamlio.parse_with_positions(text).data == parsed.data     # both parsers read it alike
    second = check_bank(parsed.data, builtin=False)
    assert not second.issues, second.issues
    again = library.build_bank(second.bank, "a", False)
    assert again == bank


# --- paths that cannot be written (found in QA: "internal error (a bug)") -----------------


def _main(*args: str) -> tuple[int, str]:
    """The real entry point, error boundary included; stdout and stderr together."""
    from cli_run import run

    code, out, err = run(list(args))
    return code, out + err


def test_export_to_a_folder_or_through_a_file_is_a_clear_error(example, tmp_path):
    code, out = _main("export", "-f", "csv", "-o", str(tmp_path), "--bank", str(example))
    assert code == 2 and f"{tmp_path} is a folder" in out and "internal error" not in out
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out = _main("export", "-f", "markdown", "-o", str(blocker / "sheet.md"), "--bank", str(example))
    assert code == 1 and "cannot write" in out and "internal error" not in out


def test_import_to_a_path_through_a_file_is_a_clear_error(tmp_path, no_builtin):
    source = tmp_path / "notes.md"
    source.write_text("Q: What is BN?\nA: Batch normalization\n", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out = _main("import", str(source), "-o", str(blocker / "notes.yaml"))
    assert code == 1 and "cannot write" in out and "internal error" not in out


def test_import_asks_for_an_id_when_the_file_name_gives_none(tmp_path, no_builtin):
    source = tmp_path / "cards.md"
    source.write_text("Q: What does BN normalize over in a CNN?\nA: N, H and W, per channel.\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "笔记.yaml")])
    err = result.exception
    assert isinstance(err, QuizcliError) and err.exit_code == ExitCode.USAGE
    assert "cannot make a bank id from '笔记'" in err.message and "--id" in err.hint
    assert not (tmp_path / "笔记.yaml").exists()
    _invoke("import", str(source), "-o", str(tmp_path / "笔记.yaml"), "--id", "notes")
    [bank] = load_library(extra=[tmp_path / "笔记.yaml"], include_builtin=False).banks
    assert bank.id == "notes"


@pytest.mark.parametrize("fmt", ["csv", "markdown", "json"])
def test_export_to_stdout_with_dash(example, tmp_path, monkeypatch, fmt):
    from cli_run import run

    monkeypatch.chdir(tmp_path)
    code, out, err = run(["export", "-f", fmt, "-o", "-", "--bank", str(example), "--lang", "en"])
    assert code == 0, err
    assert not (tmp_path / "-").exists()
    assert "example-bn-eval" in out or "BatchNorm" in out
    if fmt == "json":
        assert json.loads(out)           # nothing but the export on stdout
    assert "wrote" in err and "to standard output" in err


def test_anki_export_to_stdout_is_the_deck(example, tmp_path, monkeypatch):
    import io

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", "-f", "anki", "-o", "-", "--bank", str(example)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(io.BytesIO(result.stdout_bytes))
    assert not (tmp_path / "-").exists()


def _anki_answers(path: Path, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Id -> (choices field, answer field) of every choice note in an .apkg."""
    with zipfile.ZipFile(path) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    from quizcli.authoring.anki_export import FIELDS

    notes = [dict(zip(FIELDS, n[0].split("\x1f"))) for n in db.execute("select flds from notes")]
    db.close()
    return {f["Id"]: (f["ChoicesEn"], f["AnswerEn"]) for f in notes if f["ChoicesEn"]}


def test_exports_shuffle_choices_in_a_stable_order(tmp_path):
    """Banks list the right choice first more often than chance; the exported letters must not show it,
    and the order must be the same on every export (re-imported Anki notes keep their cards)."""
    from collections import Counter

    one, two = tmp_path / "one.apkg", tmp_path / "two.apkg"
    for out in (one, two):
        _invoke("export", "-f", "anki", "-o", str(out), "--type", "single_choice", "--type", "multiple_choice")
    first = _anki_answers(one, tmp_path)
    assert first == _anki_answers(two, tmp_path) and len(first) >= 70
    letters = Counter(answer.split(".")[0] for _, answer in first.values())
    assert len(letters) >= 3 and max(letters.values()) <= len(first) / 2, letters
    # A bank that lists the correct choice first everywhere still exports varied letters.
    library = load_library()
    firsts = [q._replace(choices=tuple(sorted(q.choices, key=lambda c: not c.correct)))
              for q in library.questions if q.type.value == "single_choice"]
    from quizcli.authoring.export import answer_text

    assert Counter(answer_text(q, "en")[0] for q in firsts).most_common(1)[0][1] <= len(firsts) / 2
    # CSV and Markdown letter the choices the same way as Anki.
    import html

    out = tmp_path / "all.csv"
    _invoke("export", "-f", "csv", "-o", str(out), "--type", "single_choice")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(html.unescape(first[r["id"]][1]) == r["answer"] for r in rows)


def test_stable_choice_order_is_the_same_in_another_process():
    """Not Python's salted hash: a fresh interpreter with another PYTHONHASHSEED gives the same order."""
    import os
    import subprocess
    import sys

    from quizcli.model import stable_choice_order

    ids = ["bn-which-variance", "gan-r1", "x", "in-style-why"]
    code = ("from quizcli.model import stable_choice_order as s; "
            f"print([s(i, 5) for i in {ids!r}])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout.strip()
    assert out == str([stable_choice_order(i, 5) for i in ids])
    assert sorted(stable_choice_order("x", 6)) == list(range(6))
    assert len({stable_choice_order(f"q{i}", 4) for i in range(40)}) > 10
