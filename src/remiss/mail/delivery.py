"""Delivering the outbox over SMTP: a few reused connections, bounded concurrency,
retries with backoff for transient failures, the server's answer kept for
permanent ones.

A batch is claimed with a conditional update (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), so several deliverers never take the same message.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import aiosmtplib
from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.clock import now
from remiss.core.models import Message
from remiss.core.settings import Settings
from remiss.core.states import MessageStatus

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)


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


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors.extend(other.errors)


@dataclass
class _Outcome:
    message_id: int
    attempts: int
    ok: bool
    permanent: bool = False
    error: str | None = None


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim(session: Session, limit: int) -> list[Message]:
    """Claim up to ``limit`` due messages for this deliverer (``Message.claim`` says whose)."""
    moment = now()
    due = or_(
        (Message.status == MessageStatus.PENDING) & (Message.next_attempt_at <= moment),
        (Message.status == MessageStatus.SENDING) & (Message.claimed_at < moment - LEASE),
    )
    ids_query = select(Message.id).where(due).order_by(Message.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids_query = ids_query.with_for_update(skip_locked=True)
    ids = list(session.scalars(ids_query))
    if not ids:
        return []
    token = uuid.uuid4().hex
    session.execute(
        update(Message)
        .where(Message.id.in_(ids), due)
        .values(status=MessageStatus.SENDING, claim=token, claimed_at=moment)
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(select(Message).where(Message.claim == token).order_by(Message.id)))


def _classify(exc: Exception) -> tuple[bool, str]:
    """Return (permanent?, the server's answer) for a failed send."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        answers = [f"{r.code} {r.message}" for r in exc.recipients]
        permanent = all(500 <= r.code < 600 for r in exc.recipients)
        return permanent, "; ".join(answers)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 500 <= exc.code < 600, f"{exc.code} {exc.message}"
    return False, f"{type(exc).__name__}: {exc}"


class _Connection:
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


async def _send_all(
    messages: list[tuple[int, int, str, bytes]], pool: list[_Connection], sender: str
) -> list[_Outcome]:
    queue: asyncio.Queue[tuple[int, int, str, bytes]] = asyncio.Queue()
    for item in messages:
        queue.put_nowait(item)
    outcomes: list[_Outcome] = []

    async def worker(connection: _Connection) -> None:
        while True:
            try:
                mid, attempts, recipient, raw = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                client = await connection.ensure()
                await client.sendmail(sender, [recipient], raw)
                outcomes.append(_Outcome(mid, attempts + 1, ok=True))
            except Exception as exc:  # every failure is recorded on its message
                permanent, answer = _classify(exc)
                outcomes.append(
                    _Outcome(mid, attempts + 1, ok=False, permanent=permanent, error=answer)
                )
                if not isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
                    await connection.close()

    await asyncio.gather(*(worker(c) for c in pool[: max(1, len(messages))]))
    return outcomes


def record(session: Session, outcomes: list[_Outcome], claim_token: str) -> DeliveryReport:
    """Write a batch's outcomes, each only if this deliverer still holds its claim.

    One executemany UPDATE per shape of row; a message whose claim was taken over
    (its lease ran out) is left to the deliverer that holds it now.
    """
    report = DeliveryReport()
    moment = now()
    rows: list[dict[str, object]] = []
    for o in outcomes:
        row: dict[str, object] = {"attempts": o.attempts, "claim": None, "last_error": o.error}
        if o.ok:
            # The body held a personal link; once delivered it is not kept.
            row.update(status=MessageStatus.SENT, sent_at=moment, raw=b"", next_attempt_at=moment)
            report.sent += 1
        elif o.permanent or o.attempts >= MAX_ATTEMPTS:
            row.update(status=MessageStatus.FAILED, raw=b"", next_attempt_at=moment)
            report.failed += 1
            report.errors.append(o.error or "")
        else:
            row.update(status=MessageStatus.PENDING, next_attempt_at=moment + backoff(o.attempts))
            report.retrying += 1
        rows.append({"key_id": o.message_id, "key_claim": claim_token, **row})
    # Core, not the ORM: an executemany UPDATE with a WHERE on the claim too.
    table = cast(Table, Message.__table__)
    # Rows differ in which columns they set (a retry keeps its body), so group by shape.
    shapes: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for row in rows:
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for columns, group in shapes.items():
        values: dict[str, Any] = {c: bindparam(c) for c in columns if not c.startswith("key_")}
        statement = (
            update(table)
            .where(table.c.id == bindparam("key_id"), table.c.claim == bindparam("key_claim"))
            .values(values)
        )
        session.execute(statement, group)
    return report


async def deliver_async(
    factory: sessionmaker[Session],
    target: SmtpTarget,
    sender: str,
    *,
    connections: int = 8,
    batch: int = 200,
) -> DeliveryReport:
    """Send every due message, a batch at a time over the same few connections.

    Each batch's outcomes are recorded before the next claim, and a batch is small
    enough to be sent well within the claim's lease, so no other deliverer takes
    (and sends again) a message this one is still sending.
    """
    report = DeliveryReport()
    pool = [_Connection(target) for _ in range(max(1, connections))]
    try:
        while True:
            with factory() as session, session.begin():
                claimed = claim(session, batch)
                token = claimed[0].claim if claimed else None
                items = [(m.id, m.attempts, m.recipient, m.raw) for m in claimed]
            if not items or token is None:
                return report
            outcomes = await _send_all(items, pool, sender)
            with factory() as session, session.begin():
                report.add(record(session, outcomes, token))
            if len(items) < batch:
                return report
    finally:
        for connection in pool:
            await connection.close()


def deliver(
    factory: sessionmaker[Session], settings: Settings, target: SmtpTarget
) -> DeliveryReport:
    """Synchronous entry point for the shells."""
    job = deliver_async(factory, target, settings.mail_from, connections=settings.smtp_connections)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    # Called from code that already runs an event loop in this thread: use a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, job).result()
