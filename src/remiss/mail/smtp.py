"""Talking to the SMTP server: where it is, one reused connection, one message to one
recipient, and what a failure while sending means for the message (``classify``).

A connection that cannot be opened (nobody listening, or a greeting that refuses it, as
Postfix's ``421 4.7.0 too many connections``) says something about the connection, not
about any message: the deliverer puts that connection aside (``delivery``).
"""

from __future__ import annotations

import socket
from contextlib import suppress
from dataclasses import dataclass
from functools import cache

import aiosmtplib

from remiss.core.settings import Settings
from remiss.mail.claims import Claimed, Outcome

# The reply with which a server says it is closing this connection (RFC 5321, 3.8).
CLOSING = 421


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
    """What a failure while sending means for its message, on a connection that was open.

    Only the server's permanent refusal (5xx) fails the message. Anything else, "try
    later" (4xx, 421 included) or a connection dropped or timed out mid-message, is an
    attempt at this one message, tried again after a backoff; it says nothing about the
    others, which the other connections go on sending.
    """
    mid, attempts = item[0], item[1]
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        answers = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        permanent = all(500 <= r.code < 600 for r in exc.recipients)
        return Outcome(mid, attempts + 1, permanent=permanent, error=answers)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        permanent = 500 <= exc.code < 600
        return Outcome(mid, attempts + 1, permanent=permanent, error=f"{exc.code} {exc.message}")
    return Outcome(mid, attempts + 1, error=describe(exc))


def keeps_connection(exc: Exception) -> bool:
    """Whether a connection may carry the next message after ``exc``: only after the server
    refused a recipient (and RSET followed), not when it said it is closing (421)."""
    return isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and all(
        r.code != CLOSING for r in exc.recipients
    )


def describe(exc: BaseException) -> str:
    """A failure as a line for ``last_error``: the server's answer when it gave one."""
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}"
    return f"{type(exc).__name__}: {exc}"


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
    """One connection to the server, opened when first needed and reused after."""

    def __init__(self, target: SmtpTarget) -> None:
        self.target = target
        self.client: aiosmtplib.SMTP | None = None

    async def ensure(self) -> aiosmtplib.SMTP:
        """The open connection, or a new one; raises when the server does not take it."""
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
        await client.connect()  # closes what it opened when it fails
        try:
            # Greeted here rather than by the first message, so that a refusal at EHLO is
            # the connection's, not that message's.
            if client.is_ehlo_or_helo_needed:
                try:
                    await client.ehlo()
                except aiosmtplib.SMTPHeloError as exc:
                    if exc.code < 500:
                        raise
                    await client.helo()  # a server that knows only HELO
            if t.username and t.password:
                await client.login(t.username, t.password)
        except BaseException:
            client.close()
            raise
        self.client = client
        return client

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                await self.client.quit()
            except aiosmtplib.SMTPException:
                self.client.close()
        self.client = None
