"""A delivery status notification to retur+{key}: the message with that envelope key, and
its invitation, marked bounced with the server's reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.models import Message
from remiss.inbound.reading import Received
from remiss.mail import bounces


@dataclass(frozen=True)
class Returned:
    """``outcome``: bounce, unknown (no message has the key) or not-bounce (delayed,
    delivered); the message and the invitations marked."""

    outcome: str
    detail: str
    message_id: int | None = None
    invitation_ids: tuple[int, ...] = ()


def take(session: Session, received: Received, key: str) -> Returned:
    assert received.report is not None
    message = session.scalar(select(Message).where(Message.return_key == key))
    if message is None:
        return Returned("unknown", f"ingen utgående e-post har nyckeln {key}")
    if not received.report.failed:
        return Returned("not-bounce", received.report.reason, message.id)
    ids = bounces.mark(session, message, received.report.reason, now())
    audit.record(
        session, "e-postservern", "mail.bounced", round_id=message.round_id,
        invitation_id=message.invitation_id, to=message.recipient, kind=message.kind,
        reason=message.bounce_reason,
    )  # fmt: skip
    return Returned("bounce", message.bounce_reason or "", message.id, tuple(ids))
