"""The drafting page's working copy: what the drafter typed since the last saved version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class DraftAutosave(Base):
    """One round's autosaved text, kept beside its draft versions, never one of them.

    A version mails the approvers and voids a decision; text saved while someone types must
    do neither, so it waits here until the drafter saves a version or hands it over.
    ``based_on`` is the version it was typed over (0 before the first): a copy over an older
    version than the newest is not shown. ``revision`` grows with every autosave, so a page
    that saw an older one cannot overwrite a newer one.
    """

    __tablename__ = "draft_autosaves"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    based_on: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(320))
    saved_at: Mapped[datetime] = mapped_column()
    positions: Mapped[dict[str, Any]] = mapped_column(JSON)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)
