"""The outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class Message(Base):
    """The outbox: a rendered email queued in the transaction that caused it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(300))
    # The whole MIME message; personal links are redacted from it once it is sent.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    # pending | sending | sent | failed
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    claim: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    # Until when the message is any use (a link into a round that then closes); an
    # unreachable server makes it wait until then, never fail before.
    expires_at: Mapped[datetime | None] = mapped_column()
    # Since when it waits for a server that could not be reached (None once sent).
    waiting_since: Mapped[datetime | None] = mapped_column(index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    # The envelope sender's key, retur+{key}@REMISS_INBOUND_DOMAIN (VERP): a delivery status
    # notification sent there names this message.
    return_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    # It bounced (a notification came back, or the server refused it for good), and why.
    bounced_at: Mapped[datetime | None] = mapped_column()
    bounce_reason: Mapped[str | None] = mapped_column(Text)
