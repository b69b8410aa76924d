"""When a reminder falls due: the working-day calendar of reminder moments.

A reminder goes at ``settings.reminder_hour`` local time on the day ``offset`` calendar
days before the internal deadline, moved back to the working day before when that day
is a weekend, a public holiday or an eve. It is due from that moment until the
internal deadline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from remiss.core.settings import Settings
from remiss.core.workdays import local_moment, on_or_before_working_day


def reminder_at(deadline: date, offset: int, settings: Settings) -> datetime:
    """The instant (UTC) the reminder ``offset`` days before ``deadline`` falls due."""
    return _reminder_at(deadline, offset, settings.reminder_hour, settings.tz)


# Every sweep of a day asks again about the same few deadlines.
@lru_cache(maxsize=4096)
def _reminder_at(deadline: date, offset: int, hour: int, tz: ZoneInfo) -> datetime:
    day = on_or_before_working_day(deadline - timedelta(days=offset))
    # Built from the local date and hour, so 08:00 stays 08:00 across a DST change.
    return local_moment(day, hour, tz).astimezone(UTC)


def due_offsets(deadline: date, settings: Settings, moment: datetime) -> list[tuple[int, datetime]]:
    """The offsets whose reminder moment has come, with that moment."""
    due = []
    for offset in settings.reminder_days:
        at = reminder_at(deadline, offset, settings)
        if at <= moment:
            due.append((offset, at))
    return due


def last_due_deadline(offset: int, settings: Settings, moment: datetime) -> date:
    """The latest deadline whose reminder ``offset`` days before it has come by ``moment``.

    A later deadline never has an earlier reminder moment, so every deadline up to
    this one has that reminder behind it, and every later one has it ahead.
    """
    today = moment.astimezone(settings.tz).date()
    # Its reminder day is yesterday or earlier: come, whatever the hour.
    deadline = today + timedelta(days=offset - 1)
    while reminder_at(deadline + timedelta(days=1), offset, settings) <= moment:
        deadline += timedelta(days=1)
    return deadline
