"""Mail that came in: replies to svar+ addresses and bounces to retur+ addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class InboundMail(Base):
    """One message received, once: by its Message-ID (or its bytes' hash), whichever way
    it came (the SMTP listener, the IMAP mailbox), and what became of it."""

    __tablename__ = "inbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the Message-ID (or of the bytes, without one): the same mail read twice
    # (both ways, or a mailbox read again) is handled once.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    via: Mapped[str] = mapped_column(String(10))  # smtp | imap
    sender: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    # draft | bounce | auto-reply | closed | unknown | too-large | no-text | not-bounce | refused
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
