"""Mail that did not arrive: what a bounce marks, and which addresses have bounced.

A bounce comes two ways, and is recorded the same: the server refused the recipient for
good while sending (5xx, ``claims``), or a delivery status notification came back to the
message's retur+ address (``remiss.inbound``). The message is marked with the server's
reason, and so is its invitation: or, for a message that named none (one email for several
rounds), every invitation it invited the person to that is not answered yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from remiss.core.models import Invitation, Message, Person
from remiss.core.states import InvitationStatus

REASON_MOST = 1000


def mark(session: Session, message: Message, reason: str, at: datetime) -> list[int]:
    """Mark ``message`` and its invitations bounced with ``reason``; the invitations' ids."""
    reason = " ".join(reason.split())[:REASON_MOST] or "okänd orsak"
    message.bounced_at, message.bounce_reason = at, reason
    if message.invitation_id is not None:
        ids = [message.invitation_id]
    else:
        ids = list(
            session.scalars(
                select(Invitation.id)
                .join(Person, Person.id == Invitation.person_id)
                .where(
                    func.lower(Person.email) == message.recipient.lower(),
                    Invitation.status == InvitationStatus.ACTIVE,
                    Invitation.submitted_at.is_(None),
                    Invitation.created_at <= message.created_at,
                )
            )
        )
    if ids:
        session.execute(
            update(Invitation)
            .where(Invitation.id.in_(ids), Invitation.submitted_at.is_(None))
            .values(bounced_at=at, bounce_reason=reason)
        )
    session.flush()
    return ids


@dataclass(frozen=True)
class Bounced:
    """An address that has bounced: the latest time and the server's reason."""

    at: datetime
    on: date  # the day, where the organisation is
    reason: str


def bounced_addresses(session: Session, tz: tzinfo) -> dict[str, Bounced]:
    """Every address mail to which bounced, by lower-case address: the latest bounce each."""
    latest = (
        select(func.lower(Message.recipient).label("address"), func.max(Message.bounced_at))
        .where(Message.bounced_at.is_not(None))
        .group_by(func.lower(Message.recipient))
    )
    found: dict[str, Bounced] = {}
    for address, at in session.execute(latest):
        reason = session.scalar(
            select(Message.bounce_reason)
            .where(func.lower(Message.recipient) == address, Message.bounced_at == at)
            .limit(1)
        )
        found[address] = Bounced(at, at.astimezone(tz).date(), reason or "")
    return found
