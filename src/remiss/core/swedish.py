"""How dates and counts read in Swedish."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
NUMBERS = (
    "noll",
    "en",
    "två",
    "tre",
    "fyra",
    "fem",
    "sex",
    "sju",
    "åtta",
    "nio",
    "tio",
    "elva",
    "tolv",
)


def date_sv(day: date) -> str:
    """'14 april 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday_date_sv(day: date) -> str:
    """'tisdag 14 april 2026'."""
    return f"{WEEKDAYS[day.weekday()]} {date_sv(day)}"


def datetime_sv(moment: datetime, tz: ZoneInfo) -> str:
    """'14 april 2026 kl. 09.30' in local time."""
    local = moment.astimezone(tz)
    return f"{date_sv(local.date())} kl. {local:%H.%M}"


def number_sv(n: int) -> str:
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


# Swedish sorts å, ä, ö after z, in that order; plain code points would put ä before å.
_SWEDISH_ORDER = str.maketrans({"å": "z{", "ä": "z|", "ö": "z}", "é": "e", "ü": "y"})


def sort_key(text: str) -> str:
    """A key that sorts Swedish names the way a Swedish reader expects."""
    return text.casefold().translate(_SWEDISH_ORDER)


def counted(n: int, one: str, many: str) -> str:
    """'1 remiss', '3 remisser': a count with its noun in the number it takes."""
    return f"{n} {one if n == 1 else many}"


def size_sv(n: int) -> str:
    """A file's size as Swedes write it: '812 byte', '14 kB', '1,2 MB'."""
    if n < 1000:
        return f"{n} byte"
    if n < 1_000_000:
        return f"{round(n / 1000)} kB"
    return f"{n / 1_000_000:.1f} MB".replace(".", ",")
