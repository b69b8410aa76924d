"""The sender's svarsmall: a Word file with fields, kept with its round from the opening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class Svarsmall(Base):
    """The template a round's yttrande is also filled into, checked and stored at opening.

    Kept as bytes, not as a path: the file may move or change after the opening, and the
    worker that fills it may run on another host.
    """

    __tablename__ = "svarsmallar"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))  # the file's name, as the sender gave it
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # Each field of the template and what fills it: "stallningstagande.position", "datum".
    fields: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
