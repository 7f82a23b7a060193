"""Where the progress file is, and the checks made before anything opens it
for writing: a file that is not ours, or is damaged, is refused with a clear
error and never written to."""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from quizcli import paths
from quizcli.clock import fmt_time
from quizcli.errors import ExitCode, QuizcliError, StorageError
from quizcli.i18n import N_, _
from quizcli.store.schema import APPLICATION_ID, SCHEMA_VERSION

ENV_DB = "QUIZCLI_DB"                # the progress file itself (overrides QUIZCLI_HOME)
BUSY_TIMEOUT_MS = 10_000


def db_path() -> Path:
    override = os.environ.get(ENV_DB)
    return Path(override) if override else paths.user_dir() / "progress.sqlite3"


def _not_ours(path: Path, why: str) -> QuizcliError:
    return QuizcliError(
        _("{path} is not a quizcli progress database ({why}); it was left unchanged").format(path=path, why=_(why)),
        hint=_("move it away, or point ${var} (or $QUIZCLI_HOME) somewhere else").format(var=ENV_DB),
        exit_code=ExitCode.BAD_INPUT)


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 10, 13, 14
_OS_FAULTS = {errno.ENOSPC: N_("no space is left on the device"), errno.EROFS: N_("the file system is read-only"),
              errno.EIO: N_("the disk reported an I/O error"), errno.EACCES: N_("permission denied"),
              errno.EPERM: N_("permission denied")}
if hasattr(errno, "EDQUOT"):
    _OS_FAULTS[errno.EDQUOT] = N_("the disk quota is exceeded")


def _storage(path: Path, what: str) -> StorageError:
    return StorageError(
        _("cannot write the progress database {path}: {what}").format(path=path, what=_(what)),
        hint=_("free some space or make its folder writable (or point $QUIZCLI_HOME elsewhere), then run "
               "the command again; the progress already saved is intact"),
    )


def _fault(path: Path, err: BaseException) -> QuizcliError | None:
    """What a failed SQLite call or file operation means for the user, if it is a fault of the
    machine (disk full, read-only, I/O) or a store with a missing table; None for anything else."""
    if isinstance(err, OSError):
        what = _OS_FAULTS.get(err.errno or -1)
        return _storage(path, what) if what else None
    if not isinstance(err, sqlite3.DatabaseError):
        return None
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(err).lower()
    if primary == _SQLITE_FULL or "disk is full" in text:
        return _storage(path, N_("no space is left on the device"))
    if primary == _SQLITE_READONLY or "readonly database" in text:
        return _storage(path, N_("the file or its folder is read-only"))
    if primary == _SQLITE_IOERR or "disk i/o error" in text:
        return _storage(path, N_("a disk I/O error (the disk may be full, read-only or failing)"))
    if primary == _SQLITE_CANTOPEN or "unable to open database" in text:
        return _storage(path, N_("it cannot be opened (its folder may be read-only or missing)"))
    if "no such table" in text or "no such column" in text:
        return _damaged(path, _("a part of it is missing: {error}").format(error=err))
    return None


@contextmanager
def _keeping(event: Any) -> Iterator[None]:
    """A StorageError says which answer was not saved, so the candidate still sees it."""
    try:
        yield
    except StorageError as err:
        verdict = _("right") if event.correct else _("wrong")
        raise StorageError(_("{error}. Your answer to {id} was NOT saved: {given} ({verdict}, at {time})").format(
            error=err.message, id=event.question_id, given=repr(event.given), verdict=verdict,
            time=fmt_time(event.at)), hint=err.hint) from None



def _damaged(path: Path, err: Exception) -> QuizcliError:
    return QuizcliError(
        _("the progress database {path} is damaged ({error}); it was left unchanged").format(path=path, error=err),
        hint=_("restore it from a `quizcli progress export` backup, or move it away to start afresh"),
        exit_code=ExitCode.BAD_INPUT)

def _check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not ours or is damaged."""
    if not path.exists():
        return
    if path.is_dir():
        raise _not_ours(path, N_("it is a folder"))
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as err:
        raise QuizcliError(_("cannot read the progress database {path}: {error}").format(path=path, error=err.strerror),
                           hint=_("check its permissions"), exit_code=ExitCode.BAD_INPUT) from None
    if size == 0:
        return      # SQLite treats an empty file as an empty database: safe to set up
    if header != b"SQLite format 3\x00":
        raise _not_ours(path, N_("not an SQLite database"))
    # Ask SQLite through a read-only connection (it sees a header still in
    # the WAL, which the raw bytes may not): nothing is written on this path.
    try:
        ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                             isolation_level=None)
        try:
            app_id = ro.execute("PRAGMA application_id").fetchone()[0]
            version = ro.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in ro.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            ro.close()
    except sqlite3.DatabaseError as err:
        raise _damaged(path, err) from None
    if app_id == 0 and version == 0 and not tables:
        return      # an empty database (a first run killed before its first commit)
    if app_id != APPLICATION_ID:
        raise _not_ours(path, N_("an SQLite database of another application") if app_id
                        else N_("an SQLite database quizcli did not create"))
    if version > SCHEMA_VERSION:
        raise QuizcliError(_("{path} was written by a newer quizcli (schema {version}; this one knows {known})").format(
                           path=path, version=version, known=SCHEMA_VERSION),
                           hint=_("upgrade quizcli; the file was left unchanged"), exit_code=ExitCode.BAD_INPUT)
    if "answers" not in tables:
        raise _damaged(path, _("its answers table is missing"))

