"""When reminders fall due: offsets before the internal deadline, working days, DST."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from remiss.core.settings import Settings
from remiss.rounds.reminder_calendar import last_due_deadline, reminder_at
from tests.reminders.conftest import HALSODATA, LAKEMEDEL, Rounds, utc


@pytest.mark.parametrize(
    ("deadline", "offset", "due"),
    [
        # A plain Monday seven days before: 08:00 CET is 07:00 UTC.
        (date(2026, 3, 23), 7, utc(2026, 3, 16, 7, 0)),
        # Saturday 21 March moves to Friday 20 March.
        (date(2026, 3, 23), 2, utc(2026, 3, 20, 7, 0)),
        # Långfredagen 3 April moves to Skärtorsdagen; 08:00 CEST is 06:00 UTC.
        (date(2026, 4, 10), 7, utc(2026, 4, 2, 6, 0)),
        # Annandag påsk 6 April: past the Easter weekend back to 2 April.
        (date(2026, 4, 8), 2, utc(2026, 4, 2, 6, 0)),
        # The Monday after the change to summer time (29 March).
        (date(2026, 4, 1), 2, utc(2026, 3, 30, 6, 0)),
        # The Friday before it is still winter time.
        (date(2026, 3, 29), 2, utc(2026, 3, 27, 7, 0)),
        # Midsommarafton 19 June moves to Thursday 18 June.
        (date(2026, 6, 26), 7, utc(2026, 6, 18, 6, 0)),
        # Julafton 24 December moves to 23 December.
        (date(2026, 12, 28), 4, utc(2026, 12, 23, 7, 0)),
    ],
)
def test_reminder_moment_follows_the_swedish_calendar(
    settings: Settings, deadline: date, offset: int, due: datetime
) -> None:
    assert reminder_at(deadline, offset, settings) == due


@pytest.mark.parametrize(
    "moment",
    [
        utc(2026, 3, 16, 6, 59),  # a Monday, a minute before 08:00
        utc(2026, 3, 16, 7, 0),
        utc(2026, 3, 20, 16, 0),  # a Friday afternoon, the weekend ahead
        utc(2026, 4, 2, 6, 0),  # Skärtorsdagen: Easter ahead
        utc(2026, 6, 18, 12, 0),  # the day before midsommarafton
        utc(2026, 12, 23, 7, 0),  # before julafton and the days between
    ],
)
def test_the_last_due_deadline_divides_deadlines_with_a_reminder_behind_them(
    settings: Settings, moment: datetime
) -> None:
    for offset in (0, 1, 2, 4, 7, 14):
        last = last_due_deadline(offset, settings, moment)
        for days in range(-3, 40):
            deadline = moment.date() + timedelta(days=days)
            come = reminder_at(deadline, offset, settings) <= moment
            assert come == (deadline <= last), (offset, deadline)


def test_offset_on_a_saturday_goes_on_the_friday_before(rounds: Rounds) -> None:
    rounds.open("KS-2026-020", date(2026, 3, 23))

    assert rounds.sweep(utc(2026, 3, 16, 6, 59)).report.digests == 0
    first = rounds.sweep(utc(2026, 3, 16, 7, 0))
    assert first.report.digests == 3
    assert first.delivery.sent == 3
    assert set(rounds.received()) == set(LAKEMEDEL)

    rounds.mail.clear()
    assert rounds.sweep(utc(2026, 3, 19, 12, 0)).report.digests == 0
    assert rounds.sweep(utc(2026, 3, 20, 6, 59, 59)).report.digests == 0
    assert rounds.sweep(utc(2026, 3, 20, 7, 0)).report.digests == 3
    assert set(rounds.received()) == set(LAKEMEDEL)
    # Nothing more on the weekend or on the deadline day itself.
    rounds.mail.clear()
    assert rounds.sweep(utc(2026, 3, 21, 7, 0)).report.digests == 0
    assert rounds.sweep(utc(2026, 3, 23, 20, 0)).report.digests == 0
    assert rounds.mail.received == []


def test_offsets_around_easter_go_on_skartorsdagen(rounds: Rounds) -> None:
    # Offset 7 of 10 April is Långfredagen; offset 2 of 8 April is Annandag påsk.
    friday = rounds.open("KS-2026-021", date(2026, 4, 10), groups="rsg-medicinsk-teknik")
    wednesday = rounds.open("KS-2026-022", date(2026, 4, 8), groups="rsg-halsodata")

    rounds.sweep(utc(2026, 4, 1, 6, 0))  # offset 7 of 8 April
    rounds.mail.clear()

    assert rounds.sweep(utc(2026, 4, 2, 5, 59)).report.digests == 0
    sweep = rounds.sweep(utc(2026, 4, 2, 6, 0))
    assert sweep.report.digests == 6
    received = rounds.received()
    assert set(received) == set(LAKEMEDEL) | set(HALSODATA)
    assert "10 april 2026" in received[LAKEMEDEL[0]][0].subject
    assert "8 april 2026" in received[HALSODATA[0]][0].subject

    rounds.mail.clear()
    for day in (3, 4, 5, 6, 7):
        assert rounds.sweep(utc(2026, 4, day, 9, 0)).report.digests == 0, day
    assert rounds.mail.received == []
    assert friday != wednesday


def test_reminder_after_the_change_to_summer_time_goes_at_eight_local(rounds: Rounds) -> None:
    rounds.open("KS-2026-023", date(2026, 4, 1))
    assert rounds.sweep(utc(2026, 3, 25, 7, 0)).report.digests == 3  # offset 7, winter time
    rounds.mail.clear()

    # 30 March 08:00 in Stockholm is 06:00 UTC, not 07:00 as the week before.
    assert rounds.sweep(utc(2026, 3, 30, 5, 59, 59)).report.digests == 0
    assert rounds.sweep(utc(2026, 3, 30, 6, 0)).report.digests == 3
    assert rounds.sweep(utc(2026, 3, 30, 7, 0)).report.digests == 0


def test_a_late_sweep_sends_one_reminder_for_all_offsets_due(rounds: Rounds) -> None:
    round_id = rounds.open("KS-2026-024", date(2026, 3, 23))

    # Nothing ran on 16 March; by 20 March both offsets are due.
    sweep = rounds.sweep(utc(2026, 3, 20, 9, 0))

    assert sweep.report.digests == 3
    assert sweep.report.reminders == 3
    for address, messages in rounds.received().items():
        assert len(messages) == 1, address
        assert len(messages[0].links()) == 1
    with rounds.app.sessions() as session:
        from sqlalchemy import select

        from remiss.core.models import Invitation, ReminderClaim

        claims = session.execute(
            select(ReminderClaim.offset_days, ReminderClaim.message_key)
            .join(Invitation, Invitation.id == ReminderClaim.invitation_id)
            .where(Invitation.round_id == round_id)
        ).all()
    assert sorted(offset for offset, _ in claims) == [2, 2, 2, 7, 7, 7]
    assert all(key.startswith("reminder:") for _, key in claims)
    assert len({key for _, key in claims}) == 3


def test_no_reminder_for_an_offset_that_passed_before_the_invitation(rounds: Rounds) -> None:
    # Opened on 18 March: the 7-day reminder (16 March) came before the invitation.
    rounds.open("KS-2026-025", date(2026, 3, 23), at=utc(2026, 3, 18, 9, 0))

    assert rounds.sweep(utc(2026, 3, 18, 9, 15)).report.digests == 0
    assert rounds.sweep(utc(2026, 3, 20, 7, 0)).report.digests == 3
