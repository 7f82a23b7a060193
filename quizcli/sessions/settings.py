"""The review settings remembered in the store: desired retention, the
interview date and the recall to aim for on it."""

from __future__ import annotations

from datetime import datetime

from quizcli.clock import fmt_time, interview_day, parse_time, parse_until
from quizcli.errors import ExitCode, QuizcliError
from quizcli.scheduler import DEFAULT_RETENTION, Scheduler
from quizcli.store import Store


def scheduler_from_settings(store: Store, now: datetime, *, retention: float | None = None,
                            until: str | None = None, target: float | None = None) -> Scheduler:
    """The scheduler with the remembered retention and interview date; new
    values given on the command line are remembered for next time."""
    if retention is not None:
        store.set_setting("retention", repr(retention))
    if target is not None:
        store.set_setting("target", repr(target))
    if until is not None:
        if until.strip().lower() in ("off", "none", ""):
            store.set_setting("until", None)
        else:
            end = parse_until(until, now)
            if end <= now:
                saved = store.setting("until")
                kept = (f"the interview date stays {interview_day(parse_time(saved))}" if saved
                        else "no interview date is kept")
                raise QuizcliError(f"--until {until.strip()}: that date has passed; {kept}",
                                   hint="give today or a later date, or `--until off` to forget the date",
                                   exit_code=ExitCode.USAGE)
            store.set_setting("until", fmt_time(end))
    saved_r = store.setting("retention")
    saved_u = store.setting("until")
    saved_t = store.setting("target")
    return Scheduler(float(saved_r) if saved_r else DEFAULT_RETENTION,
                     until=parse_time(saved_u) if saved_u else None,
                     target=float(saved_t) if saved_t else None, parameters=fitted_parameters(store))


FITTED = "fsrs_parameters"       # the settings row `quizcli progress optimize` writes (JSON)


def fitted_parameters(store: Store) -> tuple[float, ...] | None:
    """The FSRS parameters fitted to this candidate, if `progress optimize` kept some."""
    import json

    raw = store.setting(FITTED)
    if not raw:
        return None
    try:
        params = json.loads(raw)["parameters"]
        if isinstance(params, list) and len(params) == 21 and all(isinstance(x, (int, float)) for x in params):
            return tuple(float(x) for x in params)
    except (ValueError, KeyError, TypeError):
        pass
    return None       # a row this quizcli cannot read: FSRS's defaults
