"""The outbox: messages queued in the transaction that caused them, sent once each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.db import insert_unless_taken
from remiss.core.models import Message
from remiss.core.settings import Settings
from remiss.core.states import MessageStatus
from remiss.mail.catalogue import Email
from remiss.mail.frame import framed
from remiss.mail.replies import new_return_key


@dataclass(frozen=True)
class Rendered:
    """A message ready for the outbox: its key, its kind, its MIME bytes and what it is for."""

    key: str
    kind: str
    recipient: str
    subject: str
    message_id: str
    raw: bytes
    round_id: int | None = None
    invitation_id: int | None = None
    expires_at: datetime | None = None


def queue(
    session: Session,
    settings: Settings,
    *,
    key: str,
    email: Email,
    round_id: int | None = None,
    invitation_id: int | None = None,
) -> bool:
    """Queue ``email`` under the idempotency ``key``; return False if the key was taken."""
    message_id, raw = framed(email.message, settings)
    rendered = Rendered(
        key=key,
        kind=email.kind,
        recipient=email.message.to,
        subject=email.message.subject,
        message_id=message_id,
        raw=raw,
        round_id=round_id,
        invitation_id=invitation_id,
        expires_at=email.expires_at,
    )
    session.flush()  # what the message refers to (its round, its invitation) is written first
    result = session.connection().execute(_insert(session), _row(rendered, now()))
    return bool(result.rowcount)


DUE_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)


def queue_rendered(session: Session, messages: list[Rendered]) -> None:
    """Queue rendered messages in one statement; a key already taken inserts nothing."""
    if messages:
        moment = now()
        session.connection().execute(_insert(session), [_row(m, moment) for m in messages])


def _row(m: Rendered, moment: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": m.key,
        "kind": m.kind,
        "recipient": m.recipient,
        "subject": m.subject,
        "message_id": m.message_id,
        "raw": m.raw,
        "status": MessageStatus.PENDING,
        "attempts": 0,
        # Due at once, whatever the clock says later: mail queued by a command run with
        # ``--now`` far ahead is not held until then (retries are scheduled from their try).
        "next_attempt_at": DUE_AT_ONCE,
        "created_at": moment,
        "round_id": m.round_id,
        "invitation_id": m.invitation_id,
        "expires_at": m.expires_at,
        "return_key": new_return_key(),
    }


# An INSERT into the outbox that skips a message whose key is taken: of the columns
# ``_row`` fills (read off an empty row, so that the two cannot drift apart).
_INSERT = insert_unless_taken(
    cast(Table, Message.__table__),
    list(_row(Rendered("", "", "", "", "", b""), datetime.min)),
    "idempotency_key",
)


def _insert(session: Session) -> Any:
    # Other databases rely on the unique key alone.
    return (
        _INSERT if session.get_bind().dialect.name in ("postgresql", "sqlite") else insert(Message)
    )


def counts(session: Session, round_id: int | None = None) -> dict[str, int]:
    """How many messages are in each status (for one round, or all)."""
    query = select(Message.status, func.count()).group_by(Message.status)
    if round_id is not None:
        query = query.where(Message.round_id == round_id)
    return {status: n for status, n in session.execute(query).all()}


@dataclass(frozen=True)
class Waiting:
    """Messages kept back because the mail server could not be reached."""

    count: int
    since: datetime


def waiting(session: Session, round_id: int | None = None) -> Waiting | None:
    """How many messages wait for the server, and since when (for one round, or all)."""
    query = select(func.count(), func.min(Message.waiting_since)).where(
        Message.status == MessageStatus.PENDING, Message.waiting_since.is_not(None)
    )
    if round_id is not None:
        query = query.where(Message.round_id == round_id)
    count, since = session.execute(query).one()
    return Waiting(count=count, since=since) if count else None


def later(session: Session, round_id: int) -> Waiting | None:
    """The round's messages the server asked to be tried again later, and the next try
    (``since`` is then when that try is due)."""
    query = select(func.count(), func.min(Message.next_attempt_at)).where(
        Message.round_id == round_id,
        Message.status == MessageStatus.PENDING,
        Message.next_attempt_at > now(),
    )
    count, next_try = session.execute(query).one()
    return Waiting(count=count, since=next_try) if count else None


def of_kind(session: Session, round_id: int, kind: str) -> list[Message]:
    """The round's messages of one kind, oldest first (what was sent, to whom, and how it went)."""
    return list(
        session.scalars(
            select(Message)
            .where(Message.round_id == round_id, Message.kind == kind)
            .order_by(Message.id)
        )
    )
