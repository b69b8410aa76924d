"""Swedish working days and the instants deadlines end at.

A working day is a weekday that is neither a Swedish public holiday nor one of
the eves that workplaces treat as holidays (julafton, nyårsafton,
midsommarafton).
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from remiss.core.swedish import WEEKDAYS


@cache
def _sweden() -> Any:
    """The ``holidays`` library's Swedish calendar, its module alone: importing it by name
    runs ``holidays.countries``, which imports the modules of every other country too
    (a quarter of a second in a fresh process, unloaded)."""
    from holidays import holiday_base

    path = Path(holiday_base.__file__).with_name("countries") / "sweden.py"
    spec = importlib.util.spec_from_file_location("remiss_holidays_sweden", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Sweden


def _calendar(year: int) -> Any:
    return _sweden()(years=year, language="sv")


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    calendar = _calendar(year)
    days = set()
    for day, name in calendar.items():
        if day.weekday() == 6 and name.strip().lower() == "söndag":
            continue
        days.add(day)
    # The eves are not legal holidays, but nobody answers a remiss on them.
    days.add(date(year, 12, 24))
    days.add(date(year, 12, 31))
    # Midsommarafton: the Friday between 19 and 25 June.
    for d in range(19, 26):
        candidate = date(year, 6, d)
        if candidate.weekday() == 4:
            days.add(candidate)
    return frozenset(days)


@lru_cache(maxsize=64)
def _named_days(year: int) -> dict[date, str]:
    """The year's public holidays and the eves treated as such, by their Swedish names."""
    calendar = _calendar(year)
    names = {day: name for day, name in calendar.items() if name.strip().lower() != "söndag"}
    names[date(year, 12, 24)] = "julafton"
    names[date(year, 12, 31)] = "nyårsafton"
    for d in range(19, 26):
        if date(year, 6, d).weekday() == 4:
            names[date(year, 6, d)] = "midsommarafton"
    return names


def day_off(day: date) -> str | None:
    """Why ``day`` is not a working day, in Swedish ("en lördag", "en torsdag
    (Kristi himmelsfärdsdag)"); None for a working day."""
    if is_working_day(day):
        return None
    name = _named_days(day.year).get(day)
    return f"en {WEEKDAYS[day.weekday()]}" + (f" ({name})" if name else "")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def on_or_before_working_day(day: date) -> date:
    """Return ``day`` if it is a working day, else the working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> date:
    """Return the date ``count`` working days before ``day``."""
    result = day
    remaining = count
    while remaining > 0:
        result -= timedelta(days=1)
        if is_working_day(result):
            remaining -= 1
    return result


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The instant a day ends in ``tz``: local midnight after it (exclusive bound).

    Computed from the local calendar, so a DST change never shifts it by an hour.
    """
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)


def local_moment(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=tz)
