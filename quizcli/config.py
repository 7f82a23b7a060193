"""The user's settings: `config.toml` in the user folder (see `paths.config_path`).

    # ~/.local/share/quizcli/config.toml (or $QUIZCLI_HOME/config.toml)
    lang = "zh"        # default interface and question language: "en" or "zh"
    ui_lang = "zh"     # the interface's language, when it differs from the questions'
    count = 10         # questions per quiz when -n is not given; 0 = all

Every key is optional. A malformed file or an unknown key is an error that
names the file, the line and what to do, never a silent default.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from quizcli import paths
from quizcli.errors import ExitCode, QuizcliError
from quizcli.i18n import _, locale_lang, set_lang
from quizcli.model import LANGS

DEFAULT_COUNT = 10


@dataclass(frozen=True)
class Config:
    lang: str | None = None       # None: follow the locale
    ui_lang: str | None = None    # None: the interface follows the question language
    count: int = DEFAULT_COUNT


def _bad(path: Path, message: str, line: int | str | None = None) -> QuizcliError:
    where = f"{path}:{line}" if line else str(path)
    return QuizcliError(f"{where}: {message}",
                        hint=_("fix or delete {path}; valid keys: lang = \"en\"|\"zh\", ui_lang = \"en\"|\"zh\", "
                               "count = <integer >= 0>").format(path=path),
                        exit_code=ExitCode.BAD_INPUT)


def _parse_toml(text: str, path: Path) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10: the file is flat key = value lines
        return _parse_flat(text, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # tomllib puts the place in the message: "... (at line 1, column 8)".
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        what = re.sub(r"\s*\(at line.*\)$", "", str(err))
        where = f"{m.group(1)}:{m.group(2)}" if m else None
        raise _bad(path, _("not valid TOML: {error}").format(error=what), where) from None


def _parse_flat(text: str, path: Path) -> dict:
    data: dict = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r'([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*("([^"\\]*)"|-?\d+|true|false)', line)
        if not m:
            raise _bad(path, _("cannot read {line}; expected key = value").format(line=repr(line)), number)
        key, value, string = m.group(1), m.group(2), m.group(3)
        data[key] = string if string is not None else (value == "true" if value in ("true", "false") else int(value))
    return data


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


MAX_CONFIG_BYTES = 64 * 1024


# What the root command read at the start of this run (quizcli.cli), kept
# until the run ends, so a command's own `load()` does not read the file again:
# (the path, its Config or the error that reading it raised).
_this_run: tuple[Path, Config | QuizcliError] | None = None


def load_for_run() -> Config | None:
    """Read the config file once for this run: `load()` gives the same answer until `forget_run()`.

    None when the file is broken; the commands that use it report that, through `load()`.
    """
    global _this_run
    path = paths.config_path()
    try:
        result: Config | QuizcliError = _read(path)
    except QuizcliError as err:
        result = err
    _this_run = (path, result)
    return None if isinstance(result, QuizcliError) else result


def forget_run() -> None:
    global _this_run
    _this_run = None


def load(path: Path | None = None) -> Config:
    """The config file's settings; a missing file gives the defaults.

    Within a run, the file the root command read is not read again.
    """
    path = path or paths.config_path()
    if _this_run is not None and _this_run[0] == path:
        result = _this_run[1]
        if isinstance(result, QuizcliError):
            raise result.with_traceback(None)
        return result
    return _read(path)


def _read(path: Path) -> Config:
    from quizcli.files import NotRegularFile, read_regular

    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Config()
    except NotRegularFile as err:
        raise _bad(path, _("the config file {error}").format(error=err.strerror)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise _bad(path, _("cannot read the config file: {error}").format(
            error=getattr(err, "strerror", None) or err)) from None
    if len(text) > MAX_CONFIG_BYTES:
        raise _bad(path, _("the config file is larger than {n} bytes; it holds two settings").format(
            n=f"{MAX_CONFIG_BYTES:,}"))
    data = _parse_toml(text, path)
    lang = data.pop("lang", None)
    ui_lang = data.pop("ui_lang", None)
    count = data.pop("count", DEFAULT_COUNT)
    for key in data:
        raise _bad(path, _("unknown key {key}").format(key=repr(key)), _line_of(text, key))
    if lang is not None and lang not in LANGS:
        raise _bad(path, _("lang must be \"en\" or \"zh\", not {value}").format(value=repr(lang)), _line_of(text, "lang"))
    if ui_lang is not None and ui_lang not in LANGS:
        raise _bad(path, _("ui_lang must be \"en\" or \"zh\", not {value}").format(value=repr(ui_lang)),
                   _line_of(text, "ui_lang"))
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _bad(path, _("count must be an integer >= 0, not {value}").format(value=repr(count)), _line_of(text, "count"))
    return Config(lang=lang, ui_lang=ui_lang, count=count)


def resolve_lang(option: str | None, config: Config | None = None) -> str:
    """The question language: the option, else the config file, else the locale.

    Also sets the interface's language (quizcli.i18n): `ui_lang` in the
    config file when set, else the same language as the questions.
    """
    if option is not None and option not in LANGS:
        raise QuizcliError(_("--lang {value} is not supported").format(value=repr(option)),
                           hint=_("use --lang en or --lang zh"), exit_code=ExitCode.USAGE)
    config = config if config is not None else load()
    lang = option or config.lang or locale_lang()
    set_lang(config.ui_lang or lang)
    return lang
