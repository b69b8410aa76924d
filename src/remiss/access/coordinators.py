"""Who is a coordinator: listed in REMISS_COORDINATORS, or the coordinator of some round."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core.models import Round
from remiss.core.settings import Settings


def is_coordinator(session: Session, settings: Settings, email: str) -> bool:
    """Listed in REMISS_COORDINATORS, or the coordinator of some round."""
    address = email.strip().lower()
    if not address:
        return False
    if address in settings.coordinators:
        return True
    found = session.scalar(select(Round.id).where(func.lower(Round.coordinator) == address))
    return found is not None
