"""The backup format of `quizcli progress export` and `import`: every
answer and card as versioned JSON, merged without duplicates."""

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
EXPORT_VERSION = 1


class ImportResult(NamedTuple):
    added: int
    skipped: int        # already present (same uid)
    cards: int          # questions whose schedule was rebuilt


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
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "schema": SCHEMA_VERSION,
            "answers": answers, "cards": cards}


def import_(store: Store, data: Any, source: str = "the file") -> ImportResult:
    """Merge an export: answers already present (same uid) are skipped.

    A question whose rated reviews changed gets its card rebuilt by
    replaying every rated review in time order through FSRS (which is
    deterministic: no fuzz) with this machine's settings (retention,
    interview date), so the schedule reflects both machines.
    """
    from quizcli.scheduler import DEFAULT_RETENTION, Scheduler

    rows = _parse_export(data, source)
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
        return ImportResult(added, len(rows) - added, len(touched))

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


def _parse_export(data: Any, source: str) -> list[tuple]:
    """Validate an export and turn it into rows; every problem names its place."""

    def bad(where: str, what: str) -> QuizcliError:
        return QuizcliError(f"{source}: {where}: {what}",
                            hint=_("import a file written by `quizcli progress export`"), exit_code=ExitCode.BAD_INPUT)

    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise bad("top level", f"not a quizcli progress export (expected \"format\": \"{EXPORT_FORMAT}\")")
    if data.get("version") != EXPORT_VERSION:
        raise bad("version", f"unsupported version {data.get('version')!r}; this quizcli reads {EXPORT_VERSION}")
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

