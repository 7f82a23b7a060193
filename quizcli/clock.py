"""The clock and the calendar: now (fixed by $QUIZCLI_NOW in tests), the
user's day, the dates typed on the command line, and the text form of a
time that the store writes. Standard library only."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Callable

from quizcli.errors import ExitCode, QuizcliError
from quizcli.i18n import _

ENV_NOW = "QUIZCLI_NOW"        # testing hook: a fixed "now" (ISO 8601)

Now = Callable[[], datetime]


def now_from_env() -> Now:
    """The clock: real UTC time, or the fixed time in $QUIZCLI_NOW (for tests)."""
    raw = os.environ.get(ENV_NOW)
    if not raw:
        return lambda: datetime.now(timezone.utc)
    try:
        fixed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise QuizcliError(f"${ENV_NOW} = {raw!r} is not an ISO 8601 time",
                           hint="e.g. 2026-11-26T09:00:00Z, or unset it", exit_code=ExitCode.USAGE) from None
    if fixed.tzinfo is None:
        fixed = fixed.replace(tzinfo=timezone.utc)
    fixed = fixed.astimezone(timezone.utc)
    return lambda: fixed



def start_of_day(at: datetime) -> datetime:
    """Local midnight before `at`, in UTC (days are the user's days)."""
    local = at.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def parse_until(raw: str, now: datetime) -> datetime:
    """An interview date (YYYY-MM-DD) -> the end of that local day, in UTC.

    The end of the day, because recall only falls during the day: what is
    predicted for its end holds at any hour of the interview.
    """
    from datetime import date

    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise QuizcliError(_("--until {value} is not a date").format(value=repr(raw)),
                           hint=_("use YYYY-MM-DD, e.g. 2026-12-15"),
                           exit_code=ExitCode.USAGE) from None
    local_tz = now.astimezone().tzinfo
    end = datetime(day.year, day.month, day.day, tzinfo=local_tz) + timedelta(days=1)
    return end.astimezone(timezone.utc)



# --------------------------------------------------------------------------
# Time: stored as fixed-width ISO 8601 UTC text ("2026-11-26T08:43:00.123Z"),
# which sorts as it reads and SQLite's date functions understand.


def interview_day(until: datetime) -> str:
    """The day an `until` time (the end of that local day) stands for."""
    return (until.astimezone() - timedelta(seconds=1)).strftime("%Y-%m-%d")


def fmt_time(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    at = at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


# Times a progress store holds: answers are given now, and schedules reach
# a century ahead at most; a year-1 date (from an edited backup) would
# overflow the scheduler's date arithmetic.
MIN_YEAR, MAX_YEAR = 1970, 9000


def parse_time(text: str) -> datetime:
    """A time written by fmt_time (or any ISO 8601 time); ValueError if it is not one, or out of range."""
    # Fast path for what fmt_time writes (a review reads thousands of them).
    if len(text) == 24 and text[-1] == "Z":
        value = datetime.fromisoformat(text[:-1]).replace(tzinfo=timezone.utc)
    else:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        try:
            value = value.astimezone(timezone.utc)
        except OverflowError:
            raise ValueError(f"time {text!r} is out of range") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"time {text!r} is out of range (years {MIN_YEAR} to {MAX_YEAR})")
    return value
