"""Anchoring (förankring): the draft circulated to the people who must stand behind it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base

# An approver's answer (``Approval.decision``).
APPROVED, COMMENTS = "approved", "comments"


class Approval(Base):
    """One approver of one round: the draft version last mailed to them, and their answer.

    The answer is kept with the version it was given on (``answered_draft``): a newer
    draft makes it an answer on an older version, shown so, until they answer again.
    """

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("round_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(320))
    # The draft version last mailed, when, and the day an answer is asked for.
    draft_number: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column()
    reply_by: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_draft: Mapped[int | None] = mapped_column(Integer, default=None)
    decision: Mapped[str | None] = mapped_column(String(20), default=None)  # approved|comments
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)


class ApprovalToken(Base):
    """A personal link to an approval: only the token's hash is kept.

    Every email to an approver carries a fresh token, and all of them stay valid (as a
    reviewer's do): the database cannot give a link back, so none ever has to be.
    """

    __tablename__ = "approval_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[int] = mapped_column(ForeignKey("approvals.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
