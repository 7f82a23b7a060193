"""Where things live: the built-in content and demos, and the user's data.

One module owns every path, and every path can be overridden from the
environment, so tests point all of it at a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

# Environment variables (documented in the README).
ENV_HOME = "QUIZCLI_HOME"          # user data folder (progress, config, cache)
ENV_BANKS = "QUIZCLI_BANKS"        # extra bank folders/files, os.pathsep-separated
ENV_CONTENT = "QUIZCLI_CONTENT"    # replaces the built-in content folder (tests)


def _builtin(name: str) -> Path:
    # In a source checkout content/ and demos/ sit beside the package; an
    # installed wheel carries them inside it (see pyproject.toml).
    source = _PACKAGE.parent / name
    if source.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file():
        return source
    return _PACKAGE / "_builtin" / name


def builtin_content_dir() -> Path:
    override = os.environ.get(ENV_CONTENT)
    return Path(override) if override else _builtin("content")


def builtin_demos_dir() -> Path:
    return _builtin("demos")


_platform_dir: Path | None = None


def user_dir() -> Path:
    """The user's data folder: $QUIZCLI_HOME, else the platform's data dir."""
    global _platform_dir
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override)
    if _platform_dir is None:     # asked once per bank file by a cold load: platformdirs once
        from platformdirs import user_data_path

        _platform_dir = user_data_path("quizcli", appauthor=False)
    return _platform_dir


def config_path() -> Path:
    return user_dir() / "config.toml"


def cache_dir() -> Path:
    return user_dir() / "cache"


def user_bank_paths() -> list[Path]:
    raw = os.environ.get(ENV_BANKS, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]
