"""Nothing from a bank or a file name reaches the terminal raw (issue #16, item 5).

Every command that loads banks is fed banks with escape sequences (CSI
clear, OSC 0 title, OSC 52 clipboard, OSC 8 hyperlink, 8-bit CSI/OSC, BEL),
zero-width and bidi characters in each field, in keys and in file names,
broken (the error path) and valid (the normal path).
"""

from __future__ import annotations

import pytest

from cli_run import run
from quizcli.ui.text import safe

CSI_CLEAR = "\x1b[2J"
OSC_TITLE = "\x1b]0;PWNED\x07"
OSC_CLIP = "\x1b]52;c;ZXZpbA==\x07"
OSC_LINK = "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\"
C1 = "\x9b2J\x9d0;x\x9c"
INVISIBLE = "\u202eevil\u200bzero\u2066\u200f\ufeff"
ALL = CSI_CLEAR + OSC_TITLE + OSC_CLIP + OSC_LINK + C1 + INVISIBLE
RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\u202e", "\u200b", "\u2066", "\u200f", "\ufeff")


def _y(text: str) -> str:
    """A YAML double-quoted scalar holding `text` (escapes for the controls)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7f <= code <= 0x9f:
            out.append(f"\\x{code:02x}")
        elif code > 0x7f and not ch.isprintable():
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def valid_bank(text: str) -> str:
    t, tx = _y(text), _y(text + "x")
    return f"""format_version: 1
id: hostile
title: {{en: {t}, zh: {t}}}
description: {{en: {t}, zh: {t}}}
questions:
  - id: hostile-tf
    type: true_false
    prompt: {{en: {t}, zh: {t}}}
    answer: true
    explanation: {{en: {t}, zh: {t}}}
    tags: [safety]
    difficulty: 1
  - id: hostile-short
    type: short_answer
    prompt: {{en: {t}, zh: {t}}}
    accept: [{t}]
    explanation: {{en: {t}, zh: {t}}}
    tags: [safety]
    difficulty: 2
  - id: hostile-choice
    type: single_choice
    prompt: {{en: {t}, zh: {t}}}
    choices:
      - {{text: {{en: {t}, zh: {t}}}, correct: true}}
      - {{text: {{en: {tx}, zh: {tx}}}}}
    explanation: {{en: {t}, zh: {t}}}
    tags: [safety]
    difficulty: 1
"""


def broken_banks(text: str) -> dict[str, str]:
    t = _y(text)
    return {
        "key": f"format_version: 1\nid: hb\n{t}: 1\nquestions: []\n",
        "id": f"format_version: 1\nid: {t}\nquestions:\n  - id: {t}\n    type: true_false\n"
              f"    prompt: {{en: a, zh: 甲}}\n    answer: true\n",
        "type": f"format_version: 1\nid: hb\nquestions:\n  - id: q1\n    type: {t}\n    prompt: {{en: a, zh: 甲}}\n",
        "tag": f"format_version: 1\nid: hb\nquestions:\n  - id: q1\n    type: true_false\n"
               f"    prompt: {{en: a, zh: 甲}}\n    answer: true\n    tags: [{t}]\n",
        "demo": f"format_version: 1\nid: hb\nquestions:\n  - id: q1\n    type: true_false\n"
                f"    prompt: {{en: a, zh: 甲}}\n    answer: true\n    demo: {t}\n",
        "syntax": f"format_version: 1\nid: hb\nquestions: [{t}\n",
    }


FILE_NAME = "bank" + CSI_CLEAR + "\x1b]0;T\x07" + "\u202e" + "\u200b"

COMMANDS = [
    ["quiz", "--lang", "en"],
    ["quiz", "--lang", "zh"],
    ["topics"],
    ["list"],
    ["show", "hostile-tf"],
    ["show", "hostile-choice", "--lang", "zh"],
    ["review", "--lang", "en"],
    ["stats"],
    ["explain", "hostile-tf"],
    ["demos", "list"],
    ["bank", "validate"],
    ["bank", "lint"],
    ["export", "--format", "csv", "-o", "-", "--topic", "hostile"],
    ["export", "--format", "markdown", "-o", "-", "--topic", "hostile"],
    ["export", "--format", "json", "-o", "-", "--topic", "hostile"],
]


def _check(code, out: str, err: str, what: str) -> None:
    assert code != 70, f"{what}: internal error\n{err}"
    for raw in RAW:
        assert raw not in out and raw not in err, f"{what}: raw {raw!r} in the output\n{out!r}\n{err!r}"


def _args(cmd: list[str], bank) -> list[str]:
    if cmd[0] == "bank":
        return [*cmd, str(bank)]
    if cmd[:2] == ["demos", "list"]:
        return [*cmd, "--bank", str(bank)]
    out = [*cmd, "--bank", str(bank)]
    if cmd[0] == "export":
        out[out.index("-o") + 1] = str(bank.parent / ("out." + cmd[2]))
    return out


@pytest.mark.parametrize("cmd", COMMANDS, ids=[" ".join(c[:3]) for c in COMMANDS])
def test_a_valid_hostile_bank_and_file_name_print_nothing_raw(tmp_path, cmd):
    folder = tmp_path / "banks"
    folder.mkdir()
    bank = folder / (FILE_NAME + ".yaml")
    bank.write_text(valid_bank(ALL), encoding="utf-8")
    code, out, err = run(_args(cmd, bank), input="t\nq\n")
    _check(code, out, err, " ".join(cmd))
    if cmd[0] == "export":
        written = (folder / ("out." + cmd[2])).read_text(encoding="utf-8")
        for raw in RAW:
            assert raw not in written, f"raw {raw!r} in the exported {cmd[2]}"


@pytest.mark.parametrize("kind", sorted(broken_banks("x")))
@pytest.mark.parametrize("cmd", COMMANDS, ids=[" ".join(c[:3]) for c in COMMANDS])
def test_a_broken_hostile_bank_is_reported_escaped(tmp_path, cmd, kind):
    folder = tmp_path / "banks"
    folder.mkdir()
    bank = folder / (FILE_NAME + ".yaml")
    bank.write_text(broken_banks(ALL)[kind], encoding="utf-8")
    code, out, err = run(_args(cmd, bank), input="t\nq\n")
    _check(code, out, err, f"{' '.join(cmd)} ({kind})")
    assert code != 0 or cmd[0] == "demos"   # `demos list` lists demos, it does not load banks


def test_trust_and_progress_commands_escape_file_names(tmp_path):
    folder = tmp_path / ("d" + OSC_TITLE + "\u202e")
    (folder / "demos").mkdir(parents=True)
    (folder / "demos" / "x.py").write_text("META = {}\n")
    for args in (["bank", "trust", str(folder)], ["bank", "trust", "--list"],
                 ["progress", "export", str(folder / ("p" + CSI_CLEAR + ".json"))],
                 ["progress", "import", str(folder / ("missing" + CSI_CLEAR + ".json"))],
                 ["bank", "new", "n", "-o", str(folder / ("n" + CSI_CLEAR + ".yaml"))]):
        code, out, err = run(args)
        _check(code, out, err, " ".join(args[:2]))


@pytest.mark.parametrize("raw,shown", [
    ("\u200b", "\\u200b"), ("\u200d", "\\u200d"), ("\u2060", "\\u2060"), ("\ufeff", "\\ufeff"),
    ("\u200e", "\\u200e"), ("\u061c", "\\u061c"), ("\u2028", "\\u2028"), ("\U000e0041", "\\U000e0041"),
    ("\udcff", "\\xff"),                      # a file-name byte that is not UTF-8
    ("中文，。\u3000（全角）", "中文，。\u3000（全角）"),  # ordinary text stays as it is
])
def test_safe_shows_invisible_characters(raw, shown):
    assert safe(raw) == shown


# --- 6. exported files --------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|x",
            "\t=1+1", "\r=1+1", "  =1+1", "＝1+1", "-1"]


def _export_bank(tmp_path, texts: list[str]) -> "object":
    from quizcli.bank import load_library

    qs = "".join(
        f"  - id: q{i}\n    type: short_answer\n    prompt: {{en: {_y(t)}, zh: {_y(t)}}}\n"
        f"    accept: [{_y(t)}]\n    explanation: {{en: {_y(t)}, zh: {_y(t)}}}\n    tags: [x]\n    difficulty: 1\n"
        for i, t in enumerate(texts))
    path = tmp_path / "b.yaml"
    path.write_text(f"format_version: 1\nid: hb\ntitle: {{en: {_y(texts[0])}, zh: 题}}\n"
                    f"description: {{en: d, zh: 述}}\nquestions:\n{qs}", encoding="utf-8")
    return load_library([path], include_builtin=False)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path):
    import csv
    import io

    from quizcli.authoring.export import export_csv

    lib = _export_bank(tmp_path, FORMULAS)
    qs = [q for b in lib.banks for q in b.questions]
    text = export_csv(lib, qs, "en")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "question"
    for row in rows[1:]:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝")), cell
    prompts = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in prompts and "'-1" in prompts and "'\t=1+1" in prompts
    assert "\\x0d=1+1" in prompts   # a CR is shown as an escape, not kept raw
    assert text.startswith('"question","answer"')


def test_markdown_escapes_html_and_links(tmp_path):
    from quizcli.authoring.export import export_markdown

    lib = _export_bank(tmp_path, ["<script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=y>"
                                  + ALL])
    qs = [q for b in lib.banks for q in b.questions]
    text = export_markdown(lib, qs, "en")
    import re

    assert "<script>" not in text and "<img" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text)   # no live link: its brackets are escaped
    assert "&lt;script&gt;" in text and "\\[click\\]" in text
    for raw in RAW:
        assert raw not in text


def test_anki_fields_are_html_escaped(tmp_path):
    pytest.importorskip("genanki")
    from quizcli.authoring.anki_export import note_fields

    lib = _export_bank(tmp_path, ["<script>x</script>" + ALL])
    q = lib.banks[0].questions[0]
    for show in ("en", "zh", "both"):
        fields = note_fields(q, show)
        for field in fields:
            assert "<script>" not in field
            for raw in RAW:
                assert raw not in field
        assert any("&lt;script&gt;" in field for field in fields)


def test_json_export_keeps_the_text_but_writes_no_raw_controls(tmp_path):
    import json

    from quizcli.authoring.export import export_json

    lib = _export_bank(tmp_path, [ALL])
    qs = [q for b in lib.banks for q in b.questions]
    text = export_json(lib, qs)
    for raw in RAW:
        assert raw not in text
    assert json.loads(text)["questions"][0]["prompt"]["en"] == ALL   # lossless
