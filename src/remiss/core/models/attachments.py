"""Files a reviewer attached to an answer: Word, PDF or ODT, checked when they came in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from remiss.core.models.base import Base
from remiss.core.models.rounds import Invitation


class AnswerAttachment(Base):
    """One file, attached to the answer version it came with (by the page or by reply).

    A draft replaced by a draft keeps its row, and a later version of the same answer keeps
    the files of the earlier ones: an answer's files are those attached at its number or
    before. ``changes`` holds a Word file's tracked changes and comments, read once when it
    came, so the drafting page need not open it.
    """

    __tablename__ = "answer_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("answer_versions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # the answer version's number
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # "docx" | "pdf" | "odt"
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column()

    invitation: Mapped[Invitation] = relationship()
