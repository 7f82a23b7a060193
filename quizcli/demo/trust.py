"""Which user demo folders the user has chosen to run.

A user bank may bring demos in a `demos/` folder beside it. That is code
from whoever wrote the bank, so quizcli runs it only after the user trusts
that folder, explicitly: `quizcli bank trust PATH` (recorded here). A
recorded trust covers the folder's `*.py`
files as they were when trusted: if any is added, removed or changed, the
folder is no longer trusted and the user is told why.

The store is JSON under the user folder (`trusted-demos.json`), read and
written only by this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from quizcli.errors import ExitCode, NotFoundError, QuizcliError

STORE_VERSION = 1


@dataclass(frozen=True)
class TrustStatus:
    folder: Path            # the demos folder
    trusted: bool
    reason: str             # why (not) trusted, in words for the user


def store_path() -> Path:
    from quizcli import paths

    return paths.user_dir() / "trusted-demos.json"


def demos_folder(path: Path) -> Path:
    """The demos folder meant by PATH: a bank file, the folder holding banks, or demos/ itself."""
    path = Path(path).expanduser()
    try:
        path = path.resolve()
    except OSError:
        pass
    if path.is_file():
        return path.parent / "demos"
    if path.name == "demos" or not (path / "demos").is_dir() and any(path.glob("*.py")):
        return path
    return path / "demos"


def fingerprint(folder: Path) -> str:
    """A hash of the folder's demo files (names and contents)."""
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.py")):
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _load() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise QuizcliError(f"cannot read the trust list {store_path()}: {err}",
                           hint="fix or delete that file; then trust your demo folders again",
                           exit_code=ExitCode.BAD_INPUT) from None
    if not isinstance(data, dict) or data.get("version") != STORE_VERSION or not isinstance(data.get("folders"), dict):
        raise QuizcliError(f"the trust list {store_path()} is not in a format this quizcli knows",
                           hint="delete that file; then trust your demo folders again", exit_code=ExitCode.BAD_INPUT)
    return data["folders"]


def _save(folders: dict[str, dict[str, str]]) -> None:
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"version": STORE_VERSION, "folders": folders}, f, indent=2, sort_keys=True)
    os.replace(tmp, path)


def trust(path: Path) -> TrustStatus:
    """Record that the user trusts the demos beside a bank (as they are now)."""
    folder = demos_folder(path)
    if not folder.is_dir():
        raise NotFoundError(f"there is no demos folder at {folder}",
                            hint="put the bank's demos in a `demos/` folder beside the bank file")
    if not any(folder.glob("*.py")):
        raise NotFoundError(f"{folder} holds no demo (*.py)", hint="add the demo files first, then trust the folder")
    folders = _load()
    folders[str(folder)] = {"sha256": fingerprint(folder),
                            "trusted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _save(folders)
    return TrustStatus(folder, True, "trusted as it is now; changing its files withdraws the trust")


def untrust(path: Path) -> TrustStatus:
    folder = demos_folder(path)
    folders = _load()
    if folders.pop(str(folder), None) is None:
        return TrustStatus(folder, False, "was not trusted")
    _save(folders)
    return TrustStatus(folder, False, "no longer trusted")


def status(path: Path) -> TrustStatus:
    folder = demos_folder(path)
    entry = _load().get(str(folder))
    if entry is None:
        return TrustStatus(folder, False, f"not trusted: its demos run only after `quizcli bank trust {folder}`, "
                                          "because they are code from the bank's author")
    if not folder.is_dir() or entry.get("sha256") != fingerprint(folder):
        return TrustStatus(folder, False, "no longer trusted: its demo files changed since you trusted them; "
                                          f"review them, then run `quizcli bank trust {folder}` again")
    return TrustStatus(folder, True, f"trusted since {entry.get('trusted_at', '?')}")


def is_trusted(path: Path) -> bool:
    """Whether the demos beside a bank (or in a demos folder) may run."""
    return status(path).trusted


def trusted() -> list[TrustStatus]:
    return [status(Path(folder)) for folder in sorted(_load())]
