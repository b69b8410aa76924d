"""Extending and closing a round."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.errors import InputError
from remiss.core.models import Round
from remiss.rounds import spec as roundspec
from remiss.rounds.lifecycle import close, extend
from remiss.rounds.opening import open_rounds
from tests.mailcatcher import Received, RunningCatcher
from tests.test_open_round import ROUND


def calendar_event(mail: Received) -> Calendar:
    [ics] = [a for a in mail.attachments() if a.get_content_type() == "text/calendar"]
    return Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]


def opened(app: App) -> int:
    with app.transaction() as s:
        [result] = open_rounds(s, app.settings, roundspec.loads(ROUND))
    deliver_outbox(app)
    return result.round_id


def test_an_extension_tells_who_has_not_answered_with_the_same_calendar_entry_moved(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    round_id = opened(sample_directory)
    [invitation] = smtp.catcher.to("per.wallin@rjl.example.org")
    first = calendar_event(invitation)
    smtp.catcher.clear()

    clock.set_now(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    with sample_directory.transaction() as s:
        told = extend(s, sample_directory.settings, round_id, date(2026, 4, 3), "kansli")
    deliver_outbox(sample_directory)
    assert told == 4
    [notice] = smtp.catcher.to("per.wallin@rjl.example.org")
    assert "3 april 2026" in notice.subject
    assert "27 mars 2026" in notice.text()  # the previous deadline is named
    moved = calendar_event(notice)
    assert moved.get("uid") == first.get("uid")
    assert moved.get("sequence") == first.get("sequence") + 1
    assert moved.decoded("dtstart") == date(2026, 4, 3)
    assert len(notice.links()) == 1

    with sample_directory.sessions() as s:
        round_ = s.get(Round, round_id)
        assert round_ is not None
        assert round_.internal_deadline == date(2026, 4, 3)
        assert round_.internal_deadline_at == datetime(2026, 4, 3, 22, 0, tzinfo=UTC)  # CEST


def test_an_extension_past_the_national_deadline_or_into_the_past_is_refused(
    sample_directory: App,
) -> None:
    round_id = opened(sample_directory)
    with sample_directory.transaction() as s, pytest.raises(InputError, match="nationella"):
        extend(s, sample_directory.settings, round_id, date(2026, 4, 20), "kansli")
    with sample_directory.transaction() as s, pytest.raises(InputError, match="passerat"):
        extend(s, sample_directory.settings, round_id, date(2026, 2, 1), "kansli")


def test_closing_twice_changes_nothing_the_second_time(sample_directory: App) -> None:
    round_id = opened(sample_directory)
    with sample_directory.transaction() as s:
        first = close(s, round_id, "kansli").closed_at
    clock.set_now(datetime(2026, 2, 17, 8, 0, tzinfo=UTC))
    with sample_directory.transaction() as s:
        assert close(s, round_id, "kansli").closed_at == first


def test_resending_to_a_closed_round_or_someone_who_left_is_refused(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    from sqlalchemy import select

    from remiss.core.errors import NotFound, Refused
    from remiss.core.models import Invitation, Person
    from remiss.rounds import invitations

    round_id = opened(sample_directory)
    with sample_directory.sessions() as s:
        per = s.scalars(
            select(Invitation).join(Person).where(Person.email == "per.wallin@rjl.example.org")
        ).one()
        karin = s.scalars(
            select(Invitation).join(Person).where(Person.email == "karin.kvist@rkl.example.org")
        ).one()
    with sample_directory.transaction() as s:
        s.get(Person, karin.person_id).active = False  # type: ignore[union-attr]
    with sample_directory.transaction() as s, pytest.raises(Refused, match="inte längre aktiv"):
        invitations.resend(s, sample_directory.settings, karin.id, "kansli")
    with sample_directory.transaction() as s:
        close(s, round_id, "kansli")
    with sample_directory.transaction() as s, pytest.raises(Refused, match="stängd"):
        invitations.resend(s, sample_directory.settings, per.id, "kansli")
    with sample_directory.transaction() as s:
        s.get(Invitation, per.id).late_allowed = True  # type: ignore[union-attr]
    with sample_directory.transaction() as s:
        invitations.resend(s, sample_directory.settings, per.id, "kansli")
    with sample_directory.transaction() as s, pytest.raises(NotFound):
        close(s, 999, "kansli")
