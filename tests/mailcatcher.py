"""A real SMTP server (aiosmtpd) on a free port that keeps what it receives."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, TypeVar

from aiosmtpd.controller import Controller

from remiss.mail.sink import free_port
from remiss.mail.smtp import SmtpTarget

T = TypeVar("T")
LINK = re.compile(r"^(https?://\S+/r/([A-Za-z0-9_-]{43}))\r?$", re.MULTILINE)


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())

    def links(self) -> list[str]:
        return [m.group(1) for m in LINK.finditer(self.text())]

    def tokens(self) -> list[str]:
        return [m.group(2) for m in LINK.finditer(self.text())]

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())  # type: ignore[arg-type]


@dataclass
class MailCatcher:
    """Accepts mail, or answers every message with ``refuse_code`` while it is set."""

    received: list[Received] = field(default_factory=list)
    refuse_code: int | None = None
    refuse_after: int | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("bounce"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            if self.refuse_after is not None and len(self.received) >= self.refuse_after:
                return "421 4.3.2 Service shutting down, try again later"
            if self.refuse_code is not None:
                return f"{self.refuse_code} 4.3.0 Temporarily refusing mail"
            parsed = message_from_bytes(envelope.original_content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(Received(list(envelope.rcpt_tos), parsed))
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, found: Callable[[], T], what: str, timeout: float = 30.0) -> T:
        """Block until ``found()`` is truthy, woken by each message that arrives.

        Mail sent from a web request's background task lands after the response.
        """
        with self.arrived:
            value = self.arrived.wait_for(found, timeout)
        if not value:
            raise AssertionError(f"no {what} arrived")
        return value

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]

    def clear(self) -> None:
        self.received.clear()


class RunningCatcher:
    def __init__(self, port: int | None = None, catcher: MailCatcher | None = None) -> None:
        self.catcher = catcher or MailCatcher()
        self.port = port or free_port()
        self.controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port)

    @property
    def target(self) -> SmtpTarget:
        return SmtpTarget(host="127.0.0.1", port=self.port)

    def __enter__(self) -> MailCatcher:
        self.controller.start()
        return self.catcher

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
