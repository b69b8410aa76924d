"""Swedish working days and the instants deadlines end at.

A working day is a weekday that is neither a Swedish public holiday nor one of
the eves that workplaces treat as holidays (julafton, nyårsafton,
midsommarafton).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from remiss.core.swedish import WEEKDAYS


def _easter(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    h = (19 * a + b - b // 4 - (b - (b + 8) // 25 + 1) // 3 + 15) % 30
    weekday = (32 + 2 * (b % 4) + 2 * (c // 4) - h - c % 4) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_from(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _calendar(year: int) -> dict[date, str]:
    """The year's public holidays (allmänna helgdagar, lag 1989:253, so from 1990), named
    as the ``holidays`` library names them in Swedish. Written out here: importing that
    library takes a fresh process some 30 ms, more than a sweep's first query."""
    easter = _easter(year)
    days: dict[date, str] = {}
    for day, name in [
        (date(year, 1, 1), "Nyårsdagen"),
        (date(year, 1, 6), "Trettondedag jul"),
        (easter - timedelta(days=2), "Långfredagen"),
        (easter, "Påskdagen"),
        (easter + timedelta(days=1), "Annandag påsk"),
        (date(year, 5, 1), "Första maj"),
        (easter + timedelta(days=39), "Kristi himmelsfärdsdag"),
        *([(date(year, 6, 6), "Nationaldagen")] if year >= 2005 else []),
        (easter + timedelta(days=49), "Pingstdagen"),
        *([(easter + timedelta(days=50), "Annandag pingst")] if year <= 2004 else []),
        (_saturday_from(date(year, 6, 20)), "Midsommardagen"),
        (_saturday_from(date(year, 10, 31)), "Alla helgons dag"),
        (date(year, 12, 25), "Juldagen"),
        (date(year, 12, 26), "Annandag jul"),
    ]:
        days[day] = f"{days[day]}; {name}" if day in days else name
    return days


@lru_cache(maxsize=64)
def _named_days(year: int) -> dict[date, str]:
    """The year's public holidays and the eves treated as such, by their Swedish names."""
    names = _calendar(year)
    # The eves are not legal holidays, but nobody answers a remiss on them.
    names[date(year, 12, 24)] = "julafton"
    names[date(year, 12, 31)] = "nyårsafton"
    # Midsommarafton: the Friday between 19 and 25 June.
    names[_saturday_from(date(year, 6, 20)) - timedelta(days=1)] = "midsommarafton"
    return names


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(_named_days(year))


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
