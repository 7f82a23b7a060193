"""The backup format of `quizcli progress export` and `import`: every
answer and card, and each card's holds (suspended, buried, flagged) and last
skip, as versioned JSON, merged without duplicates.

Version 2 added `holds` and `skips`; a version-1 file (answers and cards
only) is still read. The merge rules (README, "Backups and another machine"):
answers by uid; a card's holds as one record, the newer change winning (a tie,
or neither side knowing when, keeps this machine's); a question's last skip,
the later of the two."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli.clock import fmt_time, parse_time
from quizcli.errors import ExitCode, QuizcliError
from quizcli.i18n import _
from quizcli.scheduler import CardState
from quizcli.store.cards import _put_card, card_from_dict, card_to_dict, card_to_json
from quizcli.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from quizcli.store.connection import Store

EXPORT_FORMAT = "quizcli-progress"
EXPORT_VERSION = 2
READS = (1, 2)          # the versions import understands
HOLD_KEYS = ("question_id", "suspended", "suspended_at", "buried_until", "flagged", "changed_at")


class ImportResult(NamedTuple):
    added: int
    skipped: int        # already present (same uid)
    cards: int          # questions whose schedule was rebuilt
    holds: int = 0      # cards whose holds the file changed (it had the newer ones)
    skips: int = 0      # questions whose last skip the file moved later (or added)


def export(store: Store) -> dict:
    """Every answer and card as JSON-ready data."""
    import json

    cols = ("uid", "question_id", "at", "given", "correct", "grade", "seconds", "mode",
            "rating", "state_before", "card_before", "due_after", "overridden")
    answers = []
    for row in store._read(f"SELECT {', '.join(cols)} FROM answers ORDER BY at, id"):
        item = dict(zip(cols, row))
        item["correct"] = bool(item["correct"])
        item["overridden"] = bool(item["overridden"])
        item["card_before"] = json.loads(item["card_before"]) if item["card_before"] else None
        answers.append(item)
    cards = {qid: card_to_dict(card) for qid, card in sorted(store.cards().items())}
    holds = [dict(zip(HOLD_KEYS, row)) for row in store._read(f"SELECT {', '.join(HOLD_KEYS)} FROM holds ORDER BY question_id")]
    for h in holds:
        h["flagged"] = bool(h["flagged"])
    skips = [{"question_id": qid, "at": at} for qid, at in store._read("SELECT question_id, at FROM skips ORDER BY question_id")]
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "schema": SCHEMA_VERSION,
            "answers": answers, "cards": cards, "holds": holds, "skips": skips}


def import_(store: Store, data: Any, source: str = "the file") -> ImportResult:
    """Merge an export: answers already present (same uid) are skipped.

    A question whose rated reviews changed gets its card rebuilt by
    replaying every rated review in time order through FSRS (which is
    deterministic: no fuzz) with this machine's settings (retention,
    interview date), so the schedule reflects both machines.
    """
    from quizcli.scheduler import DEFAULT_RETENTION, Scheduler

    rows = _parse_export(data, source)
    holds, skips = _parse_holds(data, source)
    retention, until, target = store.setting("retention"), store.setting("until"), store.setting("target")
    import json

    fitted = store.setting("fsrs_parameters")     # see sessions.settings.fitted_parameters
    try:
        params = tuple(float(x) for x in json.loads(fitted)["parameters"]) if fitted else None
    except (ValueError, KeyError, TypeError):
        params = None
    sched = Scheduler(float(retention) if retention else DEFAULT_RETENTION,
                      until=parse_time(until) if until else None, target=float(target) if target else None,
                      parameters=params if params is not None and len(params) == 21 else None)

    def write(db: sqlite3.Connection) -> ImportResult:
        added = 0
        touched: set[str] = set()
        for r in rows:
            cur = db.execute(
                "INSERT OR IGNORE INTO answers (uid, question_id, at, given, correct, grade, seconds, mode,"
                " rating, state_before, card_before, due_after, overridden) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", r)
            if cur.rowcount:
                added += 1
                if r[8] is not None:
                    touched.add(r[1])
        for qid in sorted(touched):
            _rebuild_card(db, sched, qid)
        return ImportResult(added, len(rows) - added, len(touched), _merge_holds(db, holds), _merge_skips(db, skips))

    return store._write(write)


def _rebuild_card(db: sqlite3.Connection, sched: Any, qid: str) -> None:
    rows = db.execute("SELECT at, rating FROM answers WHERE question_id = ? AND rating IS NOT NULL"
                      " ORDER BY at, id", (qid,)).fetchall()
    card: CardState | None = None
    for at, rating in rows:
        card, _log = sched.review(card, rating, parse_time(at))
    if card is None:
        return
    db.execute("DELETE FROM cards WHERE question_id = ?", (qid,))
    _put_card(db, qid, card, parse_time(rows[0][0]))


def _bad(source: str, where: str, what: str) -> QuizcliError:
    return QuizcliError(f"{source}: {where}: {what}",
                        hint=_("import a file written by `quizcli progress export`"), exit_code=ExitCode.BAD_INPUT)


def _parse_export(data: Any, source: str) -> list[tuple]:
    """Validate an export and turn it into rows; every problem names its place."""

    def bad(where: str, what: str) -> QuizcliError:
        return _bad(source, where, what)

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise bad("top level", f"not a quizcli progress export (expected \"format\": \"{EXPORT_FORMAT}\")")
    if data.get("version") not in READS or isinstance(data.get("version"), bool):
        raise bad("version", f"unsupported version {data.get('version')!r}; this quizcli reads "
                             f"{', '.join(map(str, READS))} (a newer quizcli wrote it? update quizcli)")
    answers = data.get("answers")
    if not isinstance(answers, list):
        raise bad("answers", "must be a list")
    rows = []
    for i, a in enumerate(answers):
        where = f"answers[{i}]"
        if not isinstance(a, dict):
            raise bad(where, "must be an object")
        try:
            uid, qid, mode, given = a["uid"], a["question_id"], a["mode"], a["given"]
            if not all(isinstance(v, str) and v for v in (uid, qid, mode)) or not isinstance(given, str):
                raise ValueError("uid, question_id, mode and given must be strings")
            at = fmt_time(parse_time(a["at"]))
            rating = a.get("rating")
            if rating is not None and rating not in (1, 2, 3, 4):
                raise ValueError(f"rating {rating!r} is not 1-4")
            grade = a.get("grade")
            if grade is not None and grade not in (1, 2, 3, 4):
                raise ValueError(f"grade {grade!r} is not 1-4")
            seconds = a.get("seconds")
            if seconds is not None:
                seconds = float(seconds)
            before = a.get("card_before")
            before_json = card_to_json(card_from_dict(before)) if before is not None else None
            due_after = fmt_time(parse_time(a["due_after"])) if a.get("due_after") else None
            state_before = a.get("state_before")
            if state_before is not None and state_before not in (1, 2, 3):
                raise ValueError(f"state_before {state_before!r} is not 1-3")
        except KeyError as err:
            raise bad(where, f"missing field {err.args[0]!r}") from None
        except (TypeError, ValueError, OverflowError) as err:
            raise bad(where, str(err)) from None
        rows.append((uid, qid, at, given, int(bool(a.get("correct"))), grade, seconds, mode, rating,
                     state_before, before_json, due_after, int(bool(a.get("overridden")))))
    return rows



# --------------------------------------------------------------------------
# Holds and skips (version 2)


def _time(item: dict, key: str, *, optional: bool = True) -> str | None:
    """`item[key]` as the store writes a time; None where it is null (and may be)."""
    value = item.get(key) if optional else item[key]
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} {value!r} is not a time (ISO 8601 text{', or null' if optional else ''})")
    try:
        return fmt_time(parse_time(value))
    except (ValueError, OverflowError):
        raise ValueError(f"{key} {value!r} is not an ISO 8601 time") from None


def _parse_holds(data: dict, source: str) -> tuple[list[tuple], list[tuple]]:
    """The holds and skips of a version-2 export as rows (none in version 1)."""
    if data.get("version") == 1:
        return [], []
    out: list[list[tuple]] = []
    for field in ("holds", "skips"):
        items = data.get(field, [])
        if not isinstance(items, list):
            raise _bad(source, field, "must be a list")
        rows: list[tuple] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            where = f"{field}[{i}]"
            if not isinstance(item, dict):
                raise _bad(source, where, "must be an object")
            try:
                qid = item["question_id"]
                if not isinstance(qid, str) or not qid:
                    raise ValueError(f"question_id {qid!r} is not a question id (non-empty text)")
                if qid in seen:
                    raise ValueError(f"question_id {qid!r} is already in {field}[{seen[qid]}]; one entry a question")
                seen[qid] = i
                if field == "skips":
                    rows.append((qid, _time(item, "at", optional=False)))
                    continue
                suspended = item.get("suspended", 0)
                if suspended not in (0, 1, 2) or isinstance(suspended, bool):
                    raise ValueError(f"suspended {suspended!r} is not 0 (no), 1 (by hand) or 2 (a leech)")
                flagged = item.get("flagged", False)
                if not isinstance(flagged, bool):
                    raise ValueError(f"flagged {flagged!r} is not true or false")
                rows.append((qid, suspended, _time(item, "suspended_at") if suspended else None,
                             _time(item, "buried_until"), int(flagged), _time(item, "changed_at")))
            except KeyError as err:
                raise _bad(source, where, f"missing field {err.args[0]!r}") from None
            except (TypeError, ValueError) as err:
                raise _bad(source, where, str(err)) from None
        out.append(rows)
    return out[0], out[1]


def _merge_holds(db: sqlite3.Connection, rows: list[tuple]) -> int:
    """Each card's holds from the file where they changed later than here (or
    the card has none here); a tie, or no time on either side, keeps this
    machine's. Returns how many cards' holds changed."""
    changed = 0
    for qid, suspended, suspended_at, buried, flagged, changed_at in rows:
        here = db.execute("SELECT suspended, suspended_at, buried_until, flagged, changed_at FROM holds"
                          " WHERE question_id = ?", (qid,)).fetchone()
        if here is not None and (changed_at is None or (here[4] is not None and here[4] >= changed_at)):
            continue
        db.execute("INSERT OR REPLACE INTO holds (question_id, suspended, suspended_at, buried_until, flagged,"
                   " changed_at) VALUES (?, ?, ?, ?, ?, ?)", (qid, suspended, suspended_at, buried, flagged, changed_at))
        before = (here[0], here[2], here[3]) if here is not None else (0, None, 0)
        changed += before != (suspended, buried, flagged)
    return changed


def _merge_skips(db: sqlite3.Connection, rows: list[tuple]) -> int:
    """Each question's last skip: the later of here and the file."""
    moved = 0
    for qid, at in rows:
        moved += db.execute("INSERT INTO skips (question_id, at) VALUES (?, ?) ON CONFLICT (question_id)"
                            " DO UPDATE SET at = excluded.at WHERE excluded.at > skips.at", (qid, at)).rowcount
    return moved
