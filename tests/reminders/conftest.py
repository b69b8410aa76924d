"""Rounds opened through the real service, and a sweep at a chosen moment.

The personas come from the sample directory:

- RSG Läkemedel: Daniel Björk (chair), Elin Blom, Kristina Ekström.
- RSG Hälsodata: Daniel Kvist (chair), Kristina Lindgren, Stefan Nyström.
- Olof Sandberg sits in RPO Cancer, RPO Kirurgi and RPO Rörelseorganen; Per Wallin in
  RPO Cancer and RPO Kirurgi: they get digests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Invitation, Person
from remiss.mail.claims import DeliveryReport
from remiss.reviewers import answers
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import open_rounds
from remiss.rounds.reminders import ReminderReport, queue_reminders
from remiss.yttrande.closing import close_due
from tests.mailcatcher import MailCatcher, Received, RunningCatcher

LAKEMEDEL = ("daniel.bjork@rjl.example.org", "elin.blom@rkl.example.org",
             "kristina.ekstrom@rog.example.org")  # fmt: skip
HALSODATA = ("daniel.kvist@rkl.example.org", "kristina.lindgren@rkl.example.org",
             "stefan.nystrom@rog.example.org")  # fmt: skip
OLOF = "olof.sandberg@rog.example.org"
PER = "per.wallin@rjl.example.org"

ROUND = """\
reference: {reference}
title: "{title}"
issuer: Socialstyrelsen
groups: [{groups}]
deadline: 2026-04-20
internal_deadline: {internal}
coordinator: kansli@sosr.example.org
"""


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@dataclass
class Sweep:
    closed: list[int]
    report: ReminderReport
    delivery: DeliveryReport


class Rounds:
    """Opens rounds and sweeps, each step in its own transaction, at a set moment."""

    def __init__(self, app: App, mail: MailCatcher) -> None:
        self.app = app
        self.mail = mail
        # (round id, email) → the token of the invitation's personal link
        self.tokens: dict[tuple[int, str], str] = {}

    def open(
        self,
        reference: str,
        internal: date,
        groups: str = "rsg-medicinsk-teknik",
        title: str | None = None,
        at: datetime = utc(2026, 2, 16, 8, 0),
    ) -> int:
        """Open a round and deliver its invitations; the mailbox is emptied afterwards."""
        clock.set_now(at)
        text = ROUND.format(
            reference=reference,
            title=title or f"Remiss {reference}",
            groups=groups,
            internal=internal.isoformat(),
        )
        with self.app.transaction() as session:
            (opened,) = open_rounds(session, self.app.settings, roundspec.loads(text), actor="test")
        deliver_outbox(self.app)
        for message in self.mail.received:
            if message.tokens():  # informed groups get no link
                self.tokens[(opened.round_id, message.envelope_to[0])] = message.tokens()[0]
        self.mail.clear()
        return opened.round_id

    def sweep(self, at: datetime) -> Sweep:
        clock.set_now(at)
        compiled = close_due(self.app.sessions, self.app.settings, "schedule")
        closed = [c.round_id for c in compiled if c.closed_now]
        with self.app.transaction() as session:
            report = queue_reminders(session, self.app.settings)
        return Sweep(closed, report, deliver_outbox(self.app))

    def answer(self, email: str, round_id: int, position: str = "Tillstyrker") -> None:
        """Submit an answer through the service (its receipt is delivered, then forgotten)."""
        with self.app.transaction() as session:
            answers.submit(
                session, self.app.settings, self.tokens[(round_id, email)],
                {"stallningstagande": position}, no_comments=False,
            )  # fmt: skip
        deliver_outbox(self.app)
        self.mail.clear()

    def change(self, email: str, round_id: int, **fields: Any) -> None:
        """Set fields of someone's invitation (as answering or forwarding would)."""
        with self.app.transaction() as session:
            invitation = session.scalars(
                select(Invitation)
                .join(Person, Person.id == Invitation.person_id)
                .where(Person.email == email, Invitation.round_id == round_id)
            ).one()
            for name, value in fields.items():
                setattr(invitation, name, value)

    def deactivate(self, email: str) -> None:
        with self.app.transaction() as session:
            person = session.scalars(select(Person).where(Person.email == email)).one()
            person.active = False

    def received(self) -> dict[str, list[Received]]:
        by_person: dict[str, list[Received]] = {}
        for message in self.mail.received:
            for address in message.envelope_to:
                by_person.setdefault(address, []).append(message)
        return by_person


@pytest.fixture
def rounds(sample_directory: App, smtp: RunningCatcher) -> Rounds:
    return Rounds(sample_directory, smtp.catcher)


@pytest.fixture
def invitation_of(sample_directory: App) -> Callable[[str, int], Invitation]:
    def find(email: str, round_id: int) -> Invitation:
        with sample_directory.sessions() as session:
            return session.scalars(
                select(Invitation)
                .join(Person, Person.id == Invitation.person_id)
                .where(Person.email == email, Invitation.round_id == round_id)
            ).one()

    return find


@pytest.fixture
def environment(rounds: Rounds, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch) -> None:
    """REMISS_* pointing at the test database and SMTP server, as an operator sets them."""
    s = rounds.app.settings
    for name, value in {
        "REMISS_DATABASE_URL": s.resolved_database_url,
        "REMISS_DATA_DIR": str(s.data_dir),
        "REMISS_BASE_URL": s.base_url,
        "REMISS_MAIL_FROM": s.mail_from,
        "REMISS_SECRET_KEY": "test-secret-key-not-for-production",
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(smtp.port),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
