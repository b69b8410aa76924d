"""Deadlines that fall on a day off: a warning for whoever opens the round, before and after.

A national last day on a weekend or a public holiday counts as the working day before it
(``planning``); an internal day given by hand is kept as written, though nobody answers a
remiss on a Sunday and the reminders before it go on working days. Neither refuses the
round: each is said in one sentence, so the coordinator can choose another day.
"""

from __future__ import annotations

from remiss.core.swedish import date_sv, weekday_date_sv
from remiss.core.workdays import day_off, on_or_before_working_day
from remiss.rounds.spec import RoundSpec


def warnings(spec: RoundSpec) -> list[str]:
    """One sentence per deadline of ``spec`` that is not a working day."""
    found = []
    national_off = day_off(spec.deadline)
    if national_off is not None:
        moved = on_or_before_working_day(spec.deadline)
        found.append(
            f"Den nationella sista svarsdagen {date_sv(spec.deadline)} är {national_off}, "
            f"inte en arbetsdag: den räknas som {weekday_date_sv(moved)}."
        )
    internal = spec.internal_deadline
    internal_off = day_off(internal) if internal is not None else None
    if internal is not None and internal_off is not None:
        found.append(
            f"Den interna svarsdagen {date_sv(internal)} är {internal_off}, inte en arbetsdag; "
            f"välj gärna {weekday_date_sv(on_or_before_working_day(internal))}."
        )
    return found
