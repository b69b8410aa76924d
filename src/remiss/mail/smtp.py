"""Talking to the SMTP server: where it is, one reused connection, one message to one
recipient, and what a failure means for the message (``classify``)."""

from __future__ import annotations

import socket
from contextlib import suppress
from dataclasses import dataclass
from functools import cache

import aiosmtplib

from remiss.core.settings import Settings
from remiss.mail.claims import Claimed, Outcome

# No answer from a server at all, or it said it is closing (421): the server, not the message.
UNREACHABLE = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPConnectTimeoutError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(
        cls, settings: Settings, host: str | None = None, port: int | None = None
    ) -> SmtpTarget:
        security = settings.smtp_security
        default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
        return cls(
            host=host or settings.smtp_host or "127.0.0.1",
            port=port or settings.smtp_port or default_port,
            security=security,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=settings.smtp_timeout,
        )


def classify(exc: Exception, item: Claimed) -> Outcome:
    """What a failed send means for its message."""
    mid, attempts = item[0], item[1]
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        answers = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        permanent = all(500 <= r.code < 600 for r in exc.recipients)
        return Outcome(mid, attempts + 1, permanent=permanent, error=answers)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        if exc.code == 421:
            return Outcome(mid, attempts, unreachable=True, error=f"{exc.code} {exc.message}")
        return Outcome(
            mid, attempts + 1, permanent=500 <= exc.code < 600, error=f"{exc.code} {exc.message}"
        )
    if isinstance(exc, UNREACHABLE):
        return Outcome(mid, attempts, unreachable=True, error=f"{type(exc).__name__}: {exc}")
    return Outcome(mid, attempts + 1, error=f"{type(exc).__name__}: {exc}")


async def send(client: aiosmtplib.SMTP, sender: str, recipient: str, raw: bytes) -> None:
    """One message to one recipient: ``SMTP.sendmail``'s envelope without its checks.

    The addresses were checked when the message was queued and its bytes are as the
    wire carries them (CRLF), so they are not parsed and measured again for every
    message. A refusal leaves the connection ready for the next one (RSET), as
    ``sendmail`` does, and a refused recipient is raised as ``sendmail`` raises it.
    """
    size = len(raw) + (0 if raw.endswith(b"\r\n") else 2)  # RFC 1870: as transmitted
    try:
        await client.mail(
            sender, options=[f"SIZE={size}"] if client.supports_extension("size") else None
        )
        try:
            await client.rcpt(recipient)
        except aiosmtplib.SMTPRecipientRefused as exc:
            raise aiosmtplib.SMTPRecipientsRefused([exc]) from exc
        await client.data(raw)
    except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
        with suppress(ConnectionError, aiosmtplib.SMTPException):
            await client.rset()
        raise


@cache
def _local_hostname() -> str:
    """The name this host greets the server with (EHLO), looked up once per process: the
    lookup can ask the DNS, and every delivery of a web process connects anew."""
    return socket.getfqdn()


class Connection:
    def __init__(self, target: SmtpTarget) -> None:
        self.target = target
        self.client: aiosmtplib.SMTP | None = None

    async def ensure(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        t = self.target
        client = aiosmtplib.SMTP(
            hostname=t.host,
            port=t.port,
            timeout=t.timeout,
            use_tls=t.security == "tls",
            start_tls=t.security == "starttls",
            local_hostname=_local_hostname(),
        )
        await client.connect()
        if t.username and t.password:
            await client.login(t.username, t.password)
        self.client = client
        return client

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                await self.client.quit()
            except aiosmtplib.SMTPException:
                self.client.close()
        self.client = None
