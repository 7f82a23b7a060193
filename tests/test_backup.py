"""The backup format (quizcli/store/backup.py), version 2: holds (suspended,
buried, flagged) and last skips travel, merge by the rules the README states
("Backups and another machine"), and a bad field is named. Version 1 files
are still read."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from cli_run import run
from quizcli.errors import ExitCode, QuizcliError
from quizcli.store import open_store
from quizcli.store.backup import EXPORT_VERSION

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(hours=1)


@pytest.fixture
def two(tmp_path):
    with open_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        yield a, b


def test_holds_and_skips_travel(two):
    a, b = two
    a.hold("q-susp", suspended=1, at=T0)
    a.hold("q-leech", suspended=2, flagged=True, at=T0)
    a.hold("q-bury", buried_until=T0 + timedelta(days=1), at=T0)
    a.record_skip("q-skip", T0)
    data = a.export()
    assert data["version"] == EXPORT_VERSION == 2
    assert [h["question_id"] for h in data["holds"]] == ["q-bury", "q-leech", "q-susp"]
    result = b.import_(json.loads(json.dumps(data)))
    assert (result.holds, result.skips) == (3, 1)
    assert b.holds() == a.holds() and b.missed_ids() == {"q-skip"}
    assert b.export() == a.export()
    assert b.held_ids(T0) == {"q-susp", "q-leech", "q-bury"} and b.flagged_ids() == {"q-leech"}
    # Importing twice changes nothing.
    again = b.import_(data)
    assert (again.added, again.holds, again.skips) == (0, 0, 0) and b.export() == a.export()


def test_a_newer_hold_here_is_kept_and_a_newer_one_in_the_file_wins(two):
    a, b = two
    a.hold("q1", suspended=1, at=T0)
    a.hold("q2", flagged=True, at=LATER)
    b.hold("q1", suspended=0, flagged=True, at=LATER)     # newer here: kept
    b.hold("q2", suspended=1, at=T0)                      # older here: the file's replaces it, as one record
    result = b.import_(a.export())
    assert result.holds == 1
    assert b.holds()["q1"][:1] == (0,) and b.holds()["q1"][3] is True
    assert b.holds()["q2"] == (0, None, None, True)


def test_a_lifted_hold_travels_and_is_not_brought_back_by_an_older_backup(two):
    a, b = two
    a.hold("q1", suspended=1, at=T0)
    old = a.export()
    a.hold("q1", suspended=0, at=LATER)                   # unsuspended after the backup
    assert a.holds() == {}
    a.import_(old)                                        # the older backup does not suspend it again
    assert a.holds() == {} and a.suspended_ids() == set()
    b.import_(old)
    assert b.suspended_ids() == {"q1"}
    result = b.import_(a.export())                        # the lift is newer: it travels
    assert result.holds == 1 and b.suspended_ids() == set()


def test_a_tie_or_no_time_keeps_this_machines_holds(two):
    a, b = two
    a.hold("q1", suspended=1, at=T0)
    b.hold("q1", flagged=True, at=T0)
    assert b.import_(a.export()).holds == 0 and b.holds()["q1"] == (0, None, None, True)
    data = a.export()
    data["holds"][0]["changed_at"] = None                 # a record that does not say when
    assert b.import_(data).holds == 0
    data["holds"][0]["question_id"] = "q-new"             # ... is taken where there is none
    assert b.import_(data).holds == 1 and b.suspended_ids() == {"q-new"}


def test_the_later_skip_is_kept(two):
    a, b = two
    a.record_skip("q1", T0)
    b.record_skip("q1", LATER)
    assert b.import_(a.export()).skips == 0 and b.query("SELECT at FROM skips") == [("2026-11-01T10:00:00.000Z",)]
    assert a.import_(b.export()).skips == 1 and a.query("SELECT at FROM skips") == [("2026-11-01T10:00:00.000Z",)]


def test_a_version_1_file_is_still_read(two):
    _a, b = two
    v1 = {"format": "quizcli-progress", "version": 1, "answers": [
        {"uid": "u1", "question_id": "q1", "at": "2026-11-01T09:00:00Z", "given": "a", "mode": "quiz",
         "correct": True}], "cards": {},
        "holds": "ignored: version 1 has none"}
    result = b.import_(v1)
    assert (result.added, result.holds, result.skips) == (1, 0, 0) and b.holds() == {}


def _v2(**fields) -> dict:
    return {"format": "quizcli-progress", "version": 2, "answers": [], "cards": {}, **fields}


HOLD = {"question_id": "q1", "suspended": 1, "suspended_at": "2026-11-01T09:00:00Z", "buried_until": None,
        "flagged": False, "changed_at": "2026-11-01T09:00:00Z"}


@pytest.mark.parametrize("data, match", [
    (_v2(holds={}), r"holds: must be a list"),
    (_v2(skips="q1"), r"skips: must be a list"),
    (_v2(holds=[1]), r"holds\[0\]: must be an object"),
    (_v2(holds=[{**HOLD, "question_id": ""}]), r"holds\[0\]: question_id '' is not a question id"),
    (_v2(holds=[{k: v for k, v in HOLD.items() if k != "question_id"}]), r"holds\[0\]: missing field 'question_id'"),
    (_v2(holds=[HOLD, HOLD]), r"holds\[1\]: question_id 'q1' is already in holds\[0\]"),
    (_v2(holds=[{**HOLD, "suspended": 3}]), r"holds\[0\]: suspended 3 is not 0 \(no\), 1"),
    (_v2(holds=[{**HOLD, "suspended": True}]), r"holds\[0\]: suspended True"),
    (_v2(holds=[{**HOLD, "flagged": "yes"}]), r"holds\[0\]: flagged 'yes' is not true or false"),
    (_v2(holds=[{**HOLD, "buried_until": "tomorrow"}]), r"holds\[0\]: buried_until 'tomorrow' is not an ISO 8601 time"),
    (_v2(holds=[{**HOLD, "changed_at": 5}]), r"holds\[0\]: changed_at 5 is not a time"),
    (_v2(holds=[{**HOLD, "suspended_at": "0001-01-01T00:00:00Z"}]), r"holds\[0\]: suspended_at"),
    (_v2(skips=[{"question_id": "q1"}]), r"skips\[0\]: missing field 'at'"),
    (_v2(skips=[{"question_id": "q1", "at": None}]), r"skips\[0\]: at None is not a time"),
    (_v2(skips=[{"question_id": 7, "at": "2026-11-01T09:00:00Z"}]), r"skips\[0\]: question_id 7"),
    (_v2(version=3), r"version: unsupported version 3; this quizcli reads 1, 2"),
])
def test_bad_holds_and_skips_are_refused_by_field_and_change_nothing(two, data, match):
    _a, b = two
    b.hold("q9", flagged=True, at=T0)
    data = {**data, "answers": [{"uid": "u1", "question_id": "q1", "at": "2026-11-01T09:00:00Z", "given": "a",
                                 "mode": "quiz"}]}
    with pytest.raises(QuizcliError, match=match) as info:
        b.import_(data, source="backup.json")
    assert info.value.exit_code == ExitCode.BAD_INPUT and str(info.value).startswith("backup.json: ")
    assert b.count_answers() == 0 and b.holds() == {"q9": (0, None, None, True)}


def test_the_commands_carry_holds_between_machines(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZCLI_NOW", "2026-11-26T09:00:00Z")
    with open_store() as st:
        st.hold("q1", suspended=1, flagged=True, at=T0)
        st.record_skip("q2", T0)
    backup = tmp_path / "backup.json"
    code, out, _ = run(["progress", "export", str(backup)])
    assert code == 0 and "With the holds of 1 card (suspended, buried, flagged) and the last skip of 1 question." in out
    other = {"QUIZCLI_HOME": str(tmp_path / "other")}
    code, out, _ = run(["progress", "import", str(backup)], env=other)
    assert code == 0 and "taken from the file for 1 card; the last skip for 1 question." in out
    code, out, _ = run(["progress", "import", str(backup)], env=other)
    assert code == 0 and "Holds" not in out                        # the second time changes nothing
    code, out, _ = run(["progress", "unsuspend", "q1"], env=other)   # lifted there (at QUIZCLI_NOW: later)
    assert code == 0
    code, out, _ = run(["progress", "import", str(backup)], env=other)
    assert "Holds" not in out                                      # the older backup does not suspend it again
    with open_store(tmp_path / "other" / "progress.sqlite3") as st:
        assert st.suspended_ids() == set() and st.flagged_ids() == {"q1"}
    data = json.loads(backup.read_text(encoding="utf-8"))
    data["holds"][0]["flagged"] = "yes"
    backup.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(["progress", "import", str(backup)], env=other)
    err = " ".join(err.split())
    assert code == 3 and "holds[0]: flagged 'yes' is not true or false" in err and "quizcli progress export" in err
