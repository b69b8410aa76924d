"""Closing at the internal deadline: the sweep closes what has passed, once."""

from __future__ import annotations

from datetime import date

from remiss.core.models import Round
from tests.reminders.conftest import Rounds, utc


def test_sweep_closes_a_round_at_local_midnight_after_its_internal_deadline(
    rounds: Rounds,
) -> None:
    monday = rounds.open("KS-2026-050", date(2026, 3, 23))
    later = rounds.open("KS-2026-051", date(2026, 3, 24), groups="rsg-halsodata")

    # 24 March 00:00 in Stockholm is 23 March 23:00 UTC.
    assert rounds.sweep(utc(2026, 3, 23, 22, 59, 59)).closed == []
    assert rounds.sweep(utc(2026, 3, 23, 23, 0)).closed == [monday]
    assert rounds.sweep(utc(2026, 3, 23, 23, 15)).closed == []

    with rounds.app.sessions() as session:
        closed = session.get(Round, monday)
        assert closed is not None
        assert closed.status == "closed"
        assert closed.closed_at == utc(2026, 3, 23, 23, 0)
        still_open = session.get(Round, later)
        assert still_open is not None
        assert still_open.status == "open"


def test_no_reminder_once_the_internal_deadline_has_passed(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-052", date(2026, 3, 23))

    # No sweep ran for a week: both offsets are unclaimed, but the window is over.
    sweep = rounds.sweep(utc(2026, 3, 24, 7, 0))

    assert sweep.closed == [round_id]
    assert sweep.report.digests == 0
    # Only the coordinator hears of it (the yttrande is ready); no reviewer is reminded.
    assert [r.envelope_to for r in rounds.mail.received] == [["kansli@sosr.example.org"]]
