"""Faults of the machine and odd inputs end in clear messages (issue #16, items 8-10)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cli_run import run
from quizcli import store as store_mod
from quizcli.errors import ExitCode

ROOT = Path(__file__).parent.parent
USER = Path(__file__).parent / "fixtures" / "quiz" / "user"


def _flat(*texts: str) -> str:
    return " ".join(" ".join(texts).split())


# --- 8. a full or read-only disk ------------------------------------------------------


def _sqlite_error(kind: type, message: str, code: int) -> sqlite3.Error:
    err = kind(message)
    err.sqlite_errorcode = code
    return err


FAULTS = {
    "full": (_sqlite_error(sqlite3.OperationalError, "database or disk is full", 13), "no space"),
    "ioerr": (_sqlite_error(sqlite3.OperationalError, "disk I/O error", 10 | (3 << 8)), "I/O error"),
    "readonly": (_sqlite_error(sqlite3.OperationalError, "attempt to write a readonly database", 8), "read-only"),
}


class _FailingDB:
    """A connection whose writes of answers fail as a sick disk makes them fail."""

    def __init__(self, real: sqlite3.Connection, err: sqlite3.Error):
        self._real, self._err = real, err

    def execute(self, sql: str, *args):
        if sql.lstrip().upper().startswith(("INSERT INTO ANSWERS", "INSERT OR IGNORE INTO ANSWERS")):
            raise self._err
        return self._real.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.fixture
def sick_disk(monkeypatch):
    def install(err: sqlite3.Error) -> None:
        real_connect = sqlite3.connect

        def connect(*args, **kw):
            conn = real_connect(*args, **kw)
            return _FailingDB(conn, err) if ":memory:" not in str(args[0]) and "mode=ro" not in str(args[0]) else conn

        monkeypatch.setattr(sqlite3, "connect", connect)

    return install


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_an_answer_that_cannot_be_written_says_why_and_stays_visible(sick_disk, fault):
    err, words = FAULTS[fault]
    code, out, _ = run(["quiz", "--lang", "en"], input="")   # set the store up while the disk is healthy
    sick_disk(err)
    code, out, errout = run(["quiz", "--bank", str(USER / "mine.yaml"), "--topic", "mine", "--seed", "1",
                             "--lang", "en"], input="t\n1\nq\n")
    text = _flat(out, errout)
    assert code == ExitCode.IO_ERROR == 74, text
    assert words in text and str(store_mod.db_path()) in "".join(text.split())
    assert "was NOT saved" in text and "'t' (right" in text   # the answer given, still in view
    assert "damaged" not in text and "restore" not in text


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_review_answer_that_cannot_be_written_says_why(sick_disk, fault):
    err, words = FAULTS[fault]
    run(["stats"])
    sick_disk(err)
    code, out, errout = run(["review", "--seed", "1", "--lang", "en", "--bank", str(USER / "mine.yaml"),
                             "--topic", "mine"], input="t\n1\n\nq\n")
    text = _flat(out, errout)
    assert code == 74, text
    assert words in text and "was NOT saved" in text and "damaged" not in text


def test_a_store_on_a_read_only_folder_is_not_called_damaged(tmp_path, monkeypatch):
    real_mkdir = Path.mkdir

    def mkdir(self, *a, **kw):
        if "quizcli-home" in str(self):
            raise OSError(30, "Read-only file system", str(self))
        return real_mkdir(self, *a, **kw)

    monkeypatch.setenv("QUIZCLI_HOME", str(tmp_path / "quizcli-home" / "sub"))
    monkeypatch.setattr(Path, "mkdir", mkdir)
    code, out, err = run(["quiz", "--bank", str(USER / "mine.yaml"), "--topic", "mine", "--lang", "en"], input="t\n")
    text = _flat(out, err)
    assert code == 74 and "read-only" in text and "damaged" not in text and "restore" not in text


def test_a_real_small_file_system_fills_up(tmp_path):
    """On a 64 KiB tmpfs where this machine lets us mount one (root, not in CI containers)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode(errors='replace').strip()}")
    try:
        env = {**os.environ, "QUIZCLI_HOME": str(mnt / "home")}
        # Fill the disk up, leaving the store no room for its first write.
        try:
            with open(mnt / "filler", "wb") as f:
                while True:
                    f.write(b"x" * 4096)
                    f.flush()
        except OSError:
            pass
        proc = subprocess.run([sys.executable, "-m", "quizcli", "quiz", "--bank", str(USER / "mine.yaml"),
                               "--topic", "mine", "--lang", "en", "--seed", "1"], input="t\n", capture_output=True,
                              text=True, env=env, timeout=60)
        text = _flat(proc.stdout, proc.stderr)
        assert proc.returncode == 74, text
        assert "no space" in text and "damaged" not in text
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_a_store_with_a_missing_table_is_a_clear_error():
    run(["stats"])
    run(["quiz", "--bank", str(USER / "mine.yaml"), "--topic", "mine", "--lang", "en", "--seed", "1"], input="t\nq\n")
    db = sqlite3.connect(str(store_mod.db_path()))
    db.execute("DROP TABLE cards")
    db.commit()
    db.close()
    for args in (["stats"], ["review", "--lang", "en"], ["progress", "export", "-"]):
        code, out, err = run(args, input="q\n")
        assert code == ExitCode.BAD_INPUT, (args, out, err)
        assert "missing" in _flat(out, err) and "internal error" not in err


# --- 9. a FIFO where a file belongs -------------------------------------------------


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "bank.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("args", [["quiz"], ["list"], ["bank", "validate"], ["export", "--format", "json"],
                                  ["review"], ["stats"]])
def test_a_fifo_as_a_bank_is_refused_at_once(fifo, args, tmp_path):
    if args[0] == "bank":
        argv = [*args, str(fifo)]
    elif args[0] == "export":
        argv = [*args, "-o", str(tmp_path / "o.json"), "--bank", str(fifo)]
    else:
        argv = [*args, "--bank", str(fifo)]
    proc = subprocess.run([sys.executable, "-m", "quizcli", *argv], capture_output=True, text=True, timeout=30,
                          input="q\n", env={**os.environ})
    assert proc.returncode in (1, 3), proc.stderr
    assert "named pipe" in _flat(proc.stdout, proc.stderr)


def test_a_fifo_as_config_is_refused_at_once(tmp_path):
    os.mkfifo(Path(os.environ["QUIZCLI_HOME"]) / "config.toml")
    proc = subprocess.run([sys.executable, "-m", "quizcli", "quiz", "--bank", str(USER / "mine.yaml")],
                          capture_output=True, text=True, timeout=30, input="q\n")
    assert proc.returncode == 3 and "named pipe" in proc.stderr


def test_a_fifo_as_a_backup_is_refused_at_once(fifo):
    proc = subprocess.run([sys.executable, "-m", "quizcli", "progress", "import", str(fifo)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 3 and "named pipe" in proc.stderr


# --- 10. odd inputs that used to be internal errors ---------------------------------------


@pytest.mark.parametrize("cmd", [["quiz"], ["review"], ["stats"], ["list"]])
def test_a_bank_file_name_that_is_not_utf8(tmp_path, cmd):
    name = os.fsdecode(b"bad\xff.yaml")
    bank = tmp_path / name
    shutil.copy(USER / "mine.yaml", bank)
    code, out, err = run([*cmd, "--bank", str(bank)], input="q\n")
    assert code in (0, 1), (out, err)
    assert "internal error" not in err


def test_a_broken_bank_with_a_non_utf8_name_is_named_with_the_byte_escaped(tmp_path):
    bank = tmp_path / os.fsdecode(b"bad\xff.yaml")
    bank.write_text("format_version: 1\nid: x\nquestions: [\n")
    code, out, err = run(["quiz", "--bank", str(bank)])
    assert code == 3 and "bad\\xff.yaml" in err


@pytest.mark.parametrize("cmd", ["quiz", "review"])
def test_closed_stdin_is_a_clear_error(cmd):
    proc = subprocess.run([sys.executable, "-m", "quizcli", cmd, "--lang", "en", "--bank", str(USER / "mine.yaml")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          preexec_fn=lambda: os.close(0))
    assert proc.returncode == 2, proc.stderr
    assert "standard input is closed" in proc.stderr


@pytest.mark.parametrize("cmd", [["quiz"], ["list"], ["review"], ["stats"], ["bank", "validate"]])
def test_a_symlink_loop_as_a_bank(tmp_path, cmd):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    argv = [*cmd, str(loop)] if cmd[0] == "bank" else [*cmd, "--bank", str(loop)]
    code, out, err = run(argv, input="q\n")
    assert code in (1, 3), (out, err)
    assert "symlink loop" in _flat(out, err)


def _backup(answers) -> dict:
    return {"format": "quizcli-progress", "version": 1, "schema": 3, "answers": answers, "cards": {}}


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00.000Z",
                                "9999-12-31T23:59:59-05:00"])
def test_progress_import_with_a_date_out_of_range(tmp_path, at):
    f = tmp_path / "b.json"
    f.write_text(json.dumps(_backup([{"uid": "u1", "question_id": "q", "mode": "review", "given": "t",
                                      "correct": True, "at": at, "rating": 3}])))
    code, out, err = run(["progress", "import", str(f)])
    assert code == 3, err
    assert "out of range" in err


def test_progress_import_of_json_nested_very_deep(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = run(["progress", "import", str(f)])
    assert code == 3 and "nested too deeply" in _flat(err)


def test_ctrl_c_at_the_reset_confirmation_exits_130():
    pexpect = pytest.importorskip("pexpect")
    code, out, err = run(["quiz", "--bank", str(USER / "mine.yaml"), "--topic", "mine", "--lang", "en", "--seed", "1"],
                         input="t\nq\n")
    assert code == 0, err
    child = pexpect.spawn(sys.executable, ["-m", "quizcli", "progress", "reset", "mine-relu"],
                          encoding="utf-8", timeout=60, env={**os.environ})
    child.expect(r"\[y/N\]")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before


def test_ctrl_d_at_the_reset_confirmation_still_aborts(monkeypatch):
    run(["quiz", "--bank", str(USER / "mine.yaml"), "--topic", "mine", "--lang", "en", "--seed", "1"], input="t\nq\n")
    code, out, err = run(["progress", "reset", "mine-relu"], input="")
    assert code == 1


@pytest.mark.parametrize("columns", [20, 12, 31])
def test_explain_in_a_narrow_terminal_degrades_its_plots(monkeypatch, columns):
    from quizcli import paths

    monkeypatch.setattr(paths, "builtin_demos_dir", lambda: Path(__file__).parent / "fixtures" / "demos")
    code, out, err = run(["explain", "fx_pass", "--device", "cpu"], env={"COLUMNS": str(columns)})
    assert code == 0, err
    assert all(len(line) <= columns for line in out.splitlines()), out
    assert "not shown" in " ".join(out.split())
