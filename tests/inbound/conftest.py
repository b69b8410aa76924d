"""Replies and bounces: the web personas with REMISS_INBOUND_DOMAIN set, a test SMTP server
that also keeps each message's envelope sender, and the inbound listener on a free port."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import Message, Person
from remiss.core.settings import Settings
from remiss.inbound import listener
from remiss.mail.sink import free_port
from tests.mailcatcher import MailCatcher, RunningCatcher
from tests.web.conftest import (  # noqa: F401  (the web personas and pages)
    COORDINATOR,
    REVIEWER,
    client,
    coordinator,
    opened,
)

DOMAIN = "svar.test"


class EnvelopeCatcher(MailCatcher):
    """A catcher that also keeps the envelope sender (MAIL FROM) of every message."""

    def __init__(self) -> None:
        super().__init__()
        self.senders: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.senders.append(envelope.mail_from)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp() -> Iterator[RunningCatcher]:
    running = RunningCatcher(catcher=EnvelopeCatcher())
    with running:
        yield running


@pytest.fixture
def app(settings: Settings, smtp: RunningCatcher) -> Iterator[App]:
    configured = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "coordinators": [COORDINATOR],
            "inbound_domain": DOMAIN,
            "inbound_port": free_port(),
        }
    )
    application = App.create(configured)
    yield application
    application.close()


@pytest.fixture
def listening(app: App) -> Iterator[listener.Listening]:
    running = listener.start(app.sessions, app.settings)
    yield running
    running.stop()


def send(port: int, message: EmailMessage, sender: str | None = None) -> None:
    """Hand ``message`` to the listener on ``port`` as a mail server would."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client_:
        client_.send_message(message, from_addr=sender)


def reply(to: str, text: str, sender: str = REVIEWER, **headers: str) -> EmailMessage:
    """A reply as a mail program writes one: the answer on top, the invitation quoted."""
    message = EmailMessage()
    message["From"] = f"Fredrik Jönsson <{sender}>"
    message["To"] = to
    message["Subject"] = headers.pop("Subject", "Sv: Remiss")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(
        f"{text}\n\nMed vänliga hälsningar\nFredrik\n\n"
        "Den 16 feb. 2026 kl. 09:00 skrev remiss <remiss@sosr.example.org>:\n"
        "> Hej Fredrik,\n> du är inbjuden att svara.\n"
    )
    return message


def return_key(app: App, email: str) -> str:
    with app.sessions() as session:
        key = session.scalar(
            select(Message.return_key)
            .where(Message.recipient == email, Message.kind == "invitation")
            .order_by(Message.id.desc())
        )
        assert key
        return key


def person_id(app: App, email: str) -> int:
    with app.sessions() as session:
        found = session.scalar(select(Person.id).where(Person.email == email))
        assert found is not None
        return found
