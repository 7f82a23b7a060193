"""Which user demo folders the user has chosen to run.

A user bank may bring demos in a `demos/` folder beside it. That is code
from whoever wrote the bank, so quizcli runs it only after the user trusts
that folder, explicitly: `quizcli bank trust PATH` (recorded here). A
recorded trust covers the folder's whole tree as it was when trusted
(every file in every subfolder: sources, bytecode, extension modules, data
files; see `fingerprint`): if anything is added, removed or changed, the
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
from quizcli.i18n import _

STORE_VERSION = 1
# 2: the whole tree (1, before it, hashed only demos/*.py).
FINGERPRINT_SCHEME = 2


@dataclass(frozen=True)
class TrustStatus:
    folder: Path            # the demos folder
    trusted: bool
    reason: str             # why (not) trusted, in words for the user
    files: tuple[str, ...] = ()   # what a new trust covers (see summary)
    changed: bool = False         # trusted once, no longer (changed files, or an older quizcli's trust)


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


def _entries(folder: Path):
    """(relative path, kind, bytes) for everything under `folder`, sorted.

    Every file counts, whatever its name: sources, bytecode, extension
    modules, .pth and data files, in every subfolder (hidden ones too).
    A symlink counts as its target's path and, when that is a file, its
    content, since Python follows it; a symlinked folder is walked like
    any other, once.
    """
    seen: set[str] = set()
    out: list[tuple[str, str, bytes]] = []

    def walk(here: Path, rel: str) -> None:
        real = os.path.realpath(here)
        if real in seen:
            out.append((rel, "loop", real.encode("utf-8", "surrogateescape")))
            return
        seen.add(real)
        with os.scandir(here) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            name = f"{rel}/{e.name}" if rel else e.name
            if e.is_symlink():
                out.append((name, "link", os.readlink(e.path).encode("utf-8", "surrogateescape")))
            if e.is_dir():   # follows symlinks
                out.append((name, "dir", b""))
                walk(Path(e.path), name)
            elif e.is_file():
                with open(e.path, "rb") as f:
                    out.append((name, "file", f.read()))
            elif not e.is_symlink() or os.path.lexists(e.path):
                out.append((name, "other", b""))   # a FIFO, a socket, a device, a dangling link

    walk(folder, "")
    return out


def fingerprint(folder: Path, entries: list | None = None) -> str:
    """A hash of the whole demo folder tree: every path, its kind and its bytes."""
    h = hashlib.sha256()
    for name, kind, data in _entries(Path(folder)) if entries is None else entries:
        h.update(name.encode("utf-8", "surrogateescape") + b"\0" + kind.encode() + b"\0")
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def summary(entries: list) -> list[str]:
    """What a trust covers, one line per file, for the user to review."""
    return [f"{name} ({len(data)} bytes)" if kind == "file" else f"{name} ({kind})"
            for name, kind, data in entries if kind != "dir"]


def _load() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise QuizcliError(_("cannot read the trust list {path}: {error}").format(path=store_path(), error=err),
                           hint=_("fix or delete that file; then trust your demo folders again"),
                           exit_code=ExitCode.BAD_INPUT) from None
    if not isinstance(data, dict) or data.get("version") != STORE_VERSION or not isinstance(data.get("folders"), dict):
        raise QuizcliError(_("the trust list {path} is not in a format this quizcli knows").format(path=store_path()),
                           hint=_("delete that file; then trust your demo folders again"), exit_code=ExitCode.BAD_INPUT)
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
        raise NotFoundError(_("there is no demos folder at {path}").format(path=folder),
                            hint=_("put the bank's demos in a `demos/` folder beside the bank file"))
    if not any(folder.glob("*.py")) and not any(folder.glob("exercises/*/grader.py")):   # code exercises: #18
        raise NotFoundError(_("{path} holds no demo (*.py) and no code exercise (exercises/*/grader.py)").format(
                            path=folder), hint=_("add the demo files first, then trust the folder"))
    folders = _load()
    entries = _entries(folder)   # hashed and shown: the user sees exactly what is trusted
    folders[str(folder)] = {"sha256": fingerprint(folder, entries), "scheme": FINGERPRINT_SCHEME,
                            "trusted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _save(folders)
    return TrustStatus(folder, True, _("trusted as it is now (every file below it); changing, adding or "
                                       "removing any file withdraws the trust"), tuple(summary(entries)))


def untrust(path: Path) -> TrustStatus:
    folder = demos_folder(path)
    folders = _load()
    if folders.pop(str(folder), None) is None:
        return TrustStatus(folder, False, _("was not trusted"))
    _save(folders)
    return TrustStatus(folder, False, _("no longer trusted"))


def status(path: Path) -> TrustStatus:
    folder = demos_folder(path)
    entry = _load().get(str(folder))
    if entry is None:
        return TrustStatus(folder, False, _("not trusted: its demos run only after `quizcli bank trust {path}`, "
                                            "because they are code from the bank's author").format(path=folder))
    if entry.get("scheme") != FINGERPRINT_SCHEME:
        return TrustStatus(folder, False, _("no longer trusted: it was trusted by an older quizcli that checked "
                                            "only its top-level .py files; review the whole folder, then run "
                                            "`quizcli bank trust {path}` again").format(path=folder), changed=True)
    try:
        same = folder.is_dir() and entry.get("sha256") == fingerprint(folder)
    except OSError:   # unreadable now: not what was trusted
        same = False
    if not same:
        return TrustStatus(folder, False, _("no longer trusted: its demo files changed since you trusted them; "
                                            "review them, then run `quizcli bank trust {path}` again").format(path=folder),
                           changed=True)
    return TrustStatus(folder, True, _("trusted since {when}").format(when=entry.get("trusted_at", "?")))


def is_trusted(path: Path) -> bool:
    """Whether the demos beside a bank (or in a demos folder) may run."""
    return status(path).trusted


def trusted() -> list[TrustStatus]:
    return [status(Path(folder)) for folder in sorted(_load())]
