"""Where demos are: the demo folders and the ids in them.

Standard library only and cheap to import: loading banks checks that every
`demo:` names a known demo, on every load, so this is on the path of every
command. Reading what a demo file says is quizcli.demo.registry's work.

Demo folders, in order (the first one that has an id wins):
  1. the built-in `demos/`;
  2. a `demos/` folder beside each user bank ($QUIZCLI_BANKS, and the banks
     passed to `use_banks`, i.e. a command's --bank paths): a folder bank
     `P` brings `P/demos`, a bank file `P/x.yaml` brings `P/demos`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from quizcli import paths


class DemoDir(NamedTuple):
    path: Path
    builtin: bool
    trusted: bool
    bank: Path | None = None   # the user bank it came with


def _is_trusted(bank: Path, demos: Path) -> bool:
    # The trust check (quizcli.demo.trust) is imported here, not above: it
    # makes a dataclass and imports hashlib and json, and loading banks
    # (every command) reaches this module. If the check fails, user demos
    # are untrusted: running unknown code is the one thing we must not do by
    # accident.
    from quizcli.demo import trust

    try:
        return bool(trust.is_trusted(bank)) or bool(trust.is_trusted(demos))
    except Exception:
        return False


# Banks given on the command line (`--bank PATH`) in this process; their
# demos/ folders count like those of $QUIZCLI_BANKS.
_extra_banks: list[Path] = []


def use_banks(banks: list[Path] | tuple[Path, ...]) -> None:
    """Also look for demos beside these banks (call it with a command's --bank paths)."""
    for b in banks:
        if Path(b) not in _extra_banks:
            _extra_banks.append(Path(b))


def _user_demo_dirs(check_trust: bool = True) -> list[DemoDir]:
    found: list[DemoDir] = []
    seen: set[Path] = set()
    for bank in [*paths.user_bank_paths(), *_extra_banks]:
        folder = bank if bank.is_dir() else bank.parent
        demos = folder / "demos"
        try:
            key = demos.resolve()
        except (OSError, RuntimeError):   # a symlink loop: not a folder
            continue
        if key in seen or not demos.is_dir():
            continue
        seen.add(key)
        trusted = _is_trusted(bank, demos) if check_trust else False
        found.append(DemoDir(demos, builtin=False, trusted=trusted, bank=bank))
    return found


def demo_folders(check_trust: bool = True) -> list[DemoDir]:
    """Every demo folder with where it comes from and whether it may run."""
    return [DemoDir(paths.builtin_demos_dir(), builtin=True, trusted=True), *_user_demo_dirs(check_trust)]


def demo_dirs() -> list[Path]:
    """The demo folders, built-in first (trusted or not: see DemoInfo.blocked)."""
    return [d.path for d in demo_folders(check_trust=False)]


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def demo_ids() -> set[str]:
    """The ids of every known demo: cheap (directory listings, nothing parsed)."""
    ids: set[str] = set()
    for d in demo_dirs():
        ids.update(p.stem for p in _files(d))
    return ids
