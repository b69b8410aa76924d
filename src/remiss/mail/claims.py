"""The outbox's claims: who is sending which message, and what became of it.

A deliverer claims a few due messages at a time with a conditional update (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL) under a token of its own, and writes each outcome only while
that token still holds the message: one whose lease ran out and was taken over belongs
to the deliverer that holds it now, and is not counted here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, defer

from remiss.core.clock import now
from remiss.core.models import Message
from remiss.core.states import MessageStatus

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)
# While the server cannot be reached, a message is tried again at most this far apart.
WAIT_CAP = timedelta(minutes=15)
WAIT_FLOOR = timedelta(seconds=30)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Not tried or not accepted because the server could not be reached: kept pending.
    waiting: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.waiting += other.waiting
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message."""

    message_id: int
    attempts: int  # the attempts so far, this one included when the server answered
    ok: bool = False
    permanent: bool = False  # the server refused this recipient for good (5xx)
    unreachable: bool = False  # no server answered: nobody's fault, the message waits
    error: str | None = None


def backoff(attempts: int) -> timedelta:
    """After the server answered "try later": 30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _ways_due(moment: datetime) -> tuple[ColumnElement[bool], ...]:
    """Pending and due, or claimed by a deliverer whose lease has run out."""
    return (
        (Message.status == MessageStatus.PENDING) & (Message.next_attempt_at <= moment),
        (Message.status == MessageStatus.SENDING) & (Message.claimed_at < moment - LEASE),
    )


def claim(session: Session, limit: int, token: str | None = None) -> list[Message]:
    """Claim up to ``limit`` due messages under ``token`` (a new one if None)."""
    ways = _ways_due(now())
    # One query per way of being due, each served by the status index in id order: an OR
    # of the two would walk every message ever sent to find the pending ones.
    ids: list[int] = []
    for condition in ways:
        ids_query = select(Message.id).where(condition).order_by(Message.id).limit(limit - len(ids))
        if session.get_bind().dialect.name == "postgresql":
            ids_query = ids_query.with_for_update(skip_locked=True)
        ids += session.scalars(ids_query)
        if len(ids) >= limit:
            break
    if not ids:
        return []
    token = token or uuid.uuid4().hex
    session.execute(
        update(Message)
        .where(Message.id.in_(ids), or_(*ways))
        .values(status=MessageStatus.SENDING, claim=token, claimed_at=now())
        .execution_options(synchronize_session=False)
    )
    return list(
        session.scalars(
            select(Message)
            .where(Message.id.in_(ids), Message.claim == token)
            .order_by(Message.id)
            .execution_options(populate_existing=True)
        )
    )


def record(session: Session, outcomes: list[Outcome], token: str) -> DeliveryReport:
    """Write each outcome while ``token`` still holds its message; renew the rest's lease."""
    report = DeliveryReport()
    moment = now()
    held = {
        message.id: message
        for message in session.scalars(
            select(Message)
            .where(Message.id.in_([o.message_id for o in outcomes]), Message.claim == token)
            .options(defer(Message.raw))  # only ever emptied here: not read back
            .with_for_update()
        )
    }
    for o in outcomes:
        message = held.get(o.message_id)
        if message is None:
            continue  # taken over after our lease ran out: the new holder records it
        message.claim = None
        message.last_error = o.error
        if o.ok:
            # The body held a personal link; once delivered it is not kept.
            message.status, message.sent_at, message.raw = MessageStatus.SENT, moment, b""
            message.waiting_since = None
            message.attempts = o.attempts
            report.sent += 1
        elif o.unreachable:
            _wait(message, o, report)
        elif o.permanent or o.attempts >= MAX_ATTEMPTS:
            message.status, message.raw, message.attempts = MessageStatus.FAILED, b"", o.attempts
            report.failed += 1
            report.errors.append(o.error or "")
        else:
            message.status, message.attempts = MessageStatus.PENDING, o.attempts
            message.next_attempt_at = moment + backoff(o.attempts)
            report.retrying += 1
    # Whatever this deliverer still holds is being worked on: its lease starts again.
    session.execute(
        update(Message)
        .where(Message.claim == token, Message.status == MessageStatus.SENDING)
        .values(claimed_at=moment)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return report


def _wait(message: Message, outcome: Outcome, report: DeliveryReport) -> None:
    """The server was not there: keep the message for as long as it is any use."""
    moment = now()
    if message.expires_at is not None and moment >= message.expires_at:
        message.status, message.raw = MessageStatus.FAILED, b""
        message.last_error = (
            f"E-postservern gick inte att nå innan meddelandet blev inaktuellt ({outcome.error})"
        )
        report.failed += 1
        report.errors.append(message.last_error)
        return
    since = message.waiting_since or moment
    message.waiting_since = since
    message.status = MessageStatus.PENDING
    # Half the time it has waited, between 30 s and 15 minutes: quick after a blip,
    # and a message never waits more than a quarter of an hour once the server is back.
    delay = min(max((moment - since) / 2, WAIT_FLOOR), WAIT_CAP)
    message.next_attempt_at = moment + delay
    report.waiting += 1
