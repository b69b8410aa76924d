"""The Swedish working-day calendar, written out in ``core/workdays.py``, against the
``holidays`` library's Swedish calendar it replaced: the same days off, by the same
names, for every year a round can plausibly have."""

from __future__ import annotations

from datetime import date

import pytest

from remiss.core.workdays import _named_days, day_off, is_working_day


def test_the_same_days_and_names_as_the_holidays_library_1990_to_2100() -> None:
    sweden = pytest.importorskip("holidays.countries.sweden").Sweden
    for year in range(1990, 2101):
        calendar = sweden(years=year, language="sv").items()
        expected = {day: name for day, name in calendar if name.lower() != "söndag"}
        expected[date(year, 12, 24)] = "julafton"
        expected[date(year, 12, 31)] = "nyårsafton"
        for day in range(19, 26):
            if date(year, 6, day).weekday() == 4:
                expected[date(year, 6, day)] = "midsommarafton"
        assert _named_days(year) == expected, year


def test_days_off_by_name() -> None:
    # Easter 2026 is 5 April; Kristi himmelsfärdsdag 39 days after it.
    assert day_off(date(2026, 4, 3)) == "en fredag (Långfredagen)"
    assert day_off(date(2026, 5, 14)) == "en torsdag (Kristi himmelsfärdsdag)"
    assert day_off(date(2026, 6, 19)) == "en fredag (midsommarafton)"
    assert day_off(date(2008, 5, 1)) == "en torsdag (Första maj; Kristi himmelsfärdsdag)"
    assert day_off(date(2026, 3, 22)) == "en söndag"
    assert day_off(date(2026, 4, 7)) is None
    assert not is_working_day(date(2004, 5, 31))  # annandag pingst, until 2004
    assert is_working_day(date(2005, 5, 16))
