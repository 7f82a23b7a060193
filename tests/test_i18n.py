"""The interface's translations (quizcli/i18n.py and the gettext catalogs).

The catalogs cannot rot: every string the code marks for translation
(extracted with Babel, as `pybabel extract` does) has a Chinese translation
that keeps its placeholders, and the compiled .mo is the .po as it is now.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quizcli import config, i18n

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "quizcli" / "locale" / "zh" / "LC_MESSAGES" / "quizcli.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _extracted() -> dict:
    """(context, msgid) -> where, for every string marked in quizcli/ (babel.cfg's method map)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = dict(DEFAULT_KEYWORDS)
    keywords["N_"] = None
    found = {}
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(f)
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        found[(context, msgid)] = f"{filename}:{lineno}"
    return found


def _catalog():
    from babel.messages.pofile import read_po

    with open(PO, "rb") as f:
        return read_po(f, locale="zh")


def test_every_marked_string_has_a_chinese_translation():
    catalog = _catalog()
    missing = []
    for (context, msgid), where in sorted(_extracted().items(), key=lambda kv: kv[1]):
        message = catalog.get(msgid, context=context)
        strings = message.string if message is not None else None
        if isinstance(strings, tuple):
            strings = strings[0]
        if not strings or (message is not None and message.fuzzy):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, ("no zh translation for (run the extraction in README, 'Translations'):\n  "
                         + "\n  ".join(missing))


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_]+\)[sdfr]|%[sdfr]")


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def test_translations_keep_their_placeholders():
    bad = []
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgstr in strings:
            if msgstr and _placeholders(msgstr) != _placeholders(ids[-1]):
                bad.append(f"{ids[0]!r}: {_placeholders(ids[-1])} became {_placeholders(msgstr)} in {msgstr!r}")
    assert not bad, "\n".join(bad)


def test_placeholder_check_catches_a_dropped_or_renamed_placeholder():
    assert _placeholders("答对 {correct}/{answered}") != _placeholders("{correct}/{answered} correct{pct}")
    assert _placeholders("{n} 天") != _placeholders("{count} days")
    assert _placeholders("%(x)s 与 %s") == _placeholders("%s and %(x)s")


def test_the_catalog_has_no_stale_entries():
    """Every translation in the .po is still used by the code (an unused one is a sign of a changed msgid)."""
    used = set(_extracted())
    stale = [m.id for m in _catalog() if m.id and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in used]
    assert not stale, stale


def test_compiled_catalog_is_up_to_date():
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, _catalog())
    assert MO.read_bytes() == buf.getvalue(), (
        "quizcli.mo is not the compiled quizcli.po: run `pybabel compile -d quizcli/locale -D quizcli`")


def test_chinese_text_uses_full_width_punctuation():
    """，：；？！（） after Chinese text (a key such as `?` or `!` may stand alone)."""
    bad = []
    for message in _catalog():
        for msgstr in (message.string if isinstance(message.string, tuple) else (message.string,)):
            if msgstr and re.search(r"[\u4e00-\u9fff][,:;?!()]|[,:;)]\s*[\u4e00-\u9fff]", msgstr):
                bad.append(msgstr)
    assert not bad, bad


def test_no_module_rebinds_the_translation_function():
    """`for _ in ...` in a function that calls _() makes _ a local: an UnboundLocalError at run time."""
    bad = []
    for path in (ROOT / "quizcli").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_it = any(isinstance(node, ast.ImportFrom) and node.module == "quizcli.i18n"
                         and any(a.name == "_" for a in node.names) for node in ast.walk(tree))
        if not imports_it:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, bad


# --- choosing the language ---------------------------------------------------


def test_english_needs_no_catalog_and_chinese_reads_it_on_first_use():
    i18n.set_lang("en")
    assert i18n._("Score: ") == "Score: " and i18n._catalog is None
    i18n.set_lang("zh")
    assert i18n._catalog is None                       # not read until a string needs it
    assert i18n._("Score: ") == "得分："
    assert i18n._catalog is not None
    assert i18n.pgettext("verdict", "true") == "成立" and i18n._("true") == "对"
    assert i18n.ngettext("{n} day", "{n} days", 3).format(n=3) == "3 天"


def test_an_unknown_string_falls_back_to_english():
    i18n.set_lang("zh")
    assert i18n._("no such message in the catalog") == "no such message in the catalog"


@pytest.mark.parametrize("env, lang", [({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LC_ALL": "zh_TW.UTF-8"}, "zh"),
                                       ({"LANG": "en_US.UTF-8"}, "en"), ({}, "en")])
def test_without_a_choice_the_interface_follows_the_locale(monkeypatch, env, lang):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    i18n.set_lang(None)
    assert i18n.current() == lang


def _write_config(text: str) -> None:
    from quizcli import paths

    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_option_then_config_then_locale(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert config.resolve_lang(None) == "zh" and i18n.current() == "zh"
    _write_config('lang = "en"\n')
    assert config.resolve_lang(None) == "en" and i18n.current() == "en"
    assert config.resolve_lang("zh") == "zh" and i18n.current() == "zh"


def test_ui_lang_separates_the_interface_from_the_questions():
    _write_config('lang = "en"\nui_lang = "zh"\n')
    assert config.resolve_lang(None) == "en" and i18n.current() == "zh"
    assert config.resolve_lang("zh") == "zh" and i18n.current() == "zh"
    _write_config('lang = "zh"\nui_lang = "en"\n')
    assert config.resolve_lang(None) == "zh" and i18n.current() == "en"


def test_a_bad_ui_lang_names_the_line():
    from quizcli.errors import QuizcliError

    _write_config('count = 3\nui_lang = "fr"\n')
    with pytest.raises(QuizcliError, match=r":2: ui_lang must be"):
        config.load()


def test_quizcli_help_does_not_read_the_catalog_in_english():
    code = ("import sys; from quizcli.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "from quizcli import i18n; sys.stderr.write(repr(i18n._catalog))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"}, timeout=60)
    assert proc.stderr.strip().endswith("None"), proc.stderr
