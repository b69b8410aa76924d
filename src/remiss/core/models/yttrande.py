"""What a round yields: the compiled versions and the lead group's drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class YttrandeVersion(Base):
    """A compiled sammanställning (the internal compilation), kept with its time and checksum."""

    __tablename__ = "yttrande_versions"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    checksum: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The files, rendered from ``content`` after the compile: empty (the PDF NULL) until then.
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A file is still to be rendered: a worker renders it (``version_files``).
    files_pending: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=false(), index=True
    )
    # Why a worker could not render a file ("PDF: …"); tried again when a worker starts.
    render_error: Mapped[str | None] = mapped_column(Text)


class YttrandeDraft(Base):
    """A saved draft of the joint answer: the lead's (or a coordinator's) positions and texts.

    Every save is kept as a new number; the newest is the current draft.
    """

    __tablename__ = "yttrande_drafts"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column()
    # question key -> chosen position / joint text
    positions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    handed_over: Mapped[bool] = mapped_column(Boolean, default=False)


class SentYttrande(Base):
    """The exact files that were sent (an allmän handling): kept byte for byte, once per round.

    Downloads, ``round compile`` and ``round send --again`` of a sent round give these bytes.
    """

    __tablename__ = "sent_yttranden"
    __table_args__ = (UniqueConstraint("round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    draft_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    pdf_name: Mapped[str] = mapped_column(String(300))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    docx_name: Mapped[str] = mapped_column(String(300))
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    docx_sha256: Mapped[str] = mapped_column(String(64))


class LetterFile(Base):
    """The yttrande as a file, rendered once for what it says (``checksum``), until sent.

    Asked for by a download; empty (``content`` NULL) while a worker renders a large one.
    """

    __tablename__ = "letter_files"
    __table_args__ = (UniqueConstraint("round_id", "checksum", "fmt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    checksum: Mapped[str] = mapped_column(String(64))
    fmt: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column()
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Why a worker could not render it; asked again when a worker starts.
    error: Mapped[str | None] = mapped_column(Text)
