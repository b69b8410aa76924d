"""The local SMTP sink: with no mail server configured, messages land in a Maildir
under the data folder, where the coordinator can read them in the dashboard."""

from __future__ import annotations

import mailbox
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from remiss.core.swedish import size_sv


class MaildirHandler:
    """aiosmtpd handler that stores every accepted message in a Maildir."""

    def __init__(self, directory: Path) -> None:
        for sub in ("tmp", "new", "cur"):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(str(directory), create=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.maildir.add(content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningSink:
    host: str
    port: int
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


IDENT = "remiss-sink"


def start(directory: Path, host: str = "127.0.0.1", port: int | None = None) -> RunningSink:
    port = port or free_port()
    controller = Controller(MaildirHandler(directory), hostname=host, port=port, ident=IDENT)
    controller.start()
    return RunningSink(host=host, port=port, controller=controller)


@contextmanager
def running(directory: Path, port: int | None = None) -> Iterator[RunningSink]:
    sink = start(directory, port=port)
    try:
        yield sink
    finally:
        sink.stop()


def is_running(host: str, port: int) -> bool:
    """True if our own sink answers on ``host:port`` (its banner names it)."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.settimeout(0.5)
            banner = conn.recv(512).decode("ascii", "replace")
            conn.sendall(b"QUIT\r\n")
    except OSError:
        return False
    return banner.startswith("220") and IDENT in banner


@dataclass(frozen=True)
class StoredAttachment:
    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> str:
        """How large it is, as Swedes write it ("14 kB")."""
        return size_sv(len(self.content))


@dataclass
class StoredMessage:
    key: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def date(self) -> str:
        return str(self.message["Date"] or "")

    @property
    def sent_at(self) -> datetime | None:
        """When it was sent, from its Date header (None when missing or unreadable)."""
        try:
            moment = parsedate_to_datetime(self.date)
        except (TypeError, ValueError, IndexError):
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def attachments(self) -> list[StoredAttachment]:
        """The files the message carries, in order (an invitation's calendar entry, the
        yttrande's PDF and Word file)."""
        found = []
        for part in self.message.iter_attachments():
            content = part.get_payload(decode=True)
            data = content if isinstance(content, bytes) else b""
            found.append(
                StoredAttachment(
                    filename=part.get_filename() or "bilaga",
                    content_type=part.get_content_type(),
                    content=data,
                )
            )
        return found

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return str(part.get_content()) if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return str(part.get_content()) if part is not None else ""


def read_all(directory: Path) -> list[StoredMessage]:
    """Every message the sink stored, oldest first."""
    if not directory.exists():
        return []
    box = mailbox.Maildir(str(directory), create=False)
    items = []
    for key in box.keys():  # noqa: SIM118 - iterating a Maildir yields messages
        raw = box.get_bytes(key)
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        items.append(StoredMessage(key=key, message=parsed))
    items.sort(key=lambda m: m.key)
    return items


def search(directory: Path, query: str = "") -> list[StoredMessage]:
    """The stored messages newest first, those whose recipient or subject holds ``query``."""
    wanted = query.strip().casefold()
    found = [
        m
        for m in read_all(directory)
        if not wanted or wanted in m.to.casefold() or wanted in m.subject.casefold()
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda m: (m.sent_at or oldest, m.key), reverse=True)


def read_one(directory: Path, key: str) -> StoredMessage | None:
    box = mailbox.Maildir(str(directory), create=False)
    try:
        raw = box.get_bytes(key)
    except KeyError:
        return None
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return StoredMessage(key=key, message=parsed)
