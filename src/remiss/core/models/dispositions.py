"""What became of each received comment: the drafter's Med, Omformulerad or Ej med."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class Disposition(Base):
    """The drafter's choice for one comment: one submitted answer's text to one question.

    Kept with the answer version it was made on: a comment submitted again is a new
    comment, not yet weighed. The reason is kept for Ej med only; it is mailed to the
    person who wrote the comment when the yttrande is sent.
    """

    __tablename__ = "dispositions"
    __table_args__ = (UniqueConstraint("answer_version_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"))
    answer_version_id: Mapped[int] = mapped_column(ForeignKey("answer_versions.id"))
    question_key: Mapped[str] = mapped_column(String(100))
    choice: Mapped[str] = mapped_column(String(20))  # med | omformulerad | ej-med
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(320))
    decided_at: Mapped[datetime] = mapped_column()
