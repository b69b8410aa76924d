"""The worker processes that do what comes after a commit, as each last said it was alive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from remiss.core.models.base import Base


class WorkerBeat(Base):
    """A running ``remiss worker``: a command that finds one alive leaves its mail to it."""

    __tablename__ = "worker_beats"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column()
    seen_at: Mapped[datetime] = mapped_column(index=True)
