"""The check's own SMTP server: it accepts every message and keeps what it needs to count."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return str(part.get_content()) if part is not None else ""


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.snapshot() if address in r.to]

    def duplicates(self) -> int:
        """Messages received more than once (by Message-ID)."""
        counts = Counter(r.message_id for r in self.snapshot())
        return sum(n - 1 for n in counts.values() if n > 1)


class MailServer:
    """aiosmtpd on ``port`` in a thread of this process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self._controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=port, data_size_limit=50 * 1024 * 1024
        )

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
