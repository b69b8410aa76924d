"""Who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class AuditEvent(Base):
    """Who did what, when: an append-only log."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
