"""The interface's language: gettext catalogs, read by the standard library.

    from quizcli.i18n import _, ngettext, N_
    _("Score: ")                      # the text in the interface's language
    ngettext("{n} card", "{n} cards", n).format(n=n)
    LABEL = N_("skipped")             # marked for extraction; translated where shown: _(LABEL)

The interface's language is set once a command knows it (`set_lang`, from
`--lang`, `ui_lang` or `lang` in the config file: quizcli.config); before
that it follows $QUIZCLI_UI_LANG, then the locale. English is the source
language: no catalog is read for it. The Chinese catalog
(quizcli/locale/zh/LC_MESSAGES/quizcli.mo) is read on the first string that
needs it, never at import, so start-up does not pay for it.

Bottom layer: standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path

DOMAIN = "quizcli"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV_VAR = "QUIZCLI_UI_LANG"      # the demo process gets the interface's language through it
UI_LANGS = ("en", "zh")

_lang: str | None = None          # None: not set yet; follow the environment
_catalog = None                   # gettext.GNUTranslations of _lang, read on first use


def locale_lang(environ: dict[str, str] | None = None) -> str:
    """zh when the locale is Chinese (zh_CN.UTF-8, zh_TW, zh), else en.

    Read from the environment in POSIX order of precedence; cheaper than
    importing `locale`, and what a terminal session sets.
    """
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            # LANGUAGE is a priority list ("zh_CN:en"); its first entry decides.
            first = value.split(":", 1)[0].strip().lower()
            if first in ("", "c", "posix") and var == "LANGUAGE":
                continue
            return "zh" if first.startswith("zh") else "en"
    return "en"


def set_lang(lang: str | None) -> None:
    """Use `lang` ("en" or "zh") for the interface from now on; None: the environment's."""
    global _lang, _catalog
    if lang is not None and lang not in UI_LANGS:
        lang = "en"
    if lang != _lang:
        _lang, _catalog = lang, None


def current() -> str:
    """The interface's language now."""
    if _lang is not None:
        return _lang
    env = os.environ.get(ENV_VAR, "")
    return env if env in UI_LANGS else locale_lang()


def _translations():
    global _catalog
    if _catalog is None:
        import gettext

        _catalog = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[current()], fallback=True)
    return _catalog


def _(message: str) -> str:
    """`message` (English) in the interface's language."""
    if current() == "en" or not message:
        return message
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the interface's language."""
    if current() == "en":
        return singular if n == 1 else plural
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the interface's language, where the same English word has
    several translations ("true": 对 as an answer, 成立 as a verdict)."""
    if current() == "en":
        return message
    return _translations().pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (module-level tables)."""
    return message


def lines(messages: tuple[str, ...]) -> str:
    """Messages marked with N_, each translated, one per line (a screen's help)."""
    return "\n".join(_(m) for m in messages)


def lang_text(texts: dict[str, str] | str, lang: str | None = None) -> str:
    """A {"en": ..., "zh": ...} dict's text in `lang` (default: the interface's),
    else the other language's; a plain string as it is."""
    if isinstance(texts, str):
        return texts
    lang = lang or current()
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")
