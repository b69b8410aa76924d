"""Who may log in: coordinators (listed in REMISS_COORDINATORS, or coordinating a round),
and the lead group's officer drafting a round's joint answer (for that round only)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core.models import Person, Round
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


def drafts(session: Session, email: str) -> list[Round]:
    """The rounds whose joint answer ``email`` drafts (the lead group's processtöd)."""
    address = email.strip().lower()
    return list(
        session.scalars(
            select(Round)
            .join(Person, Person.id == Round.drafter_id)
            .where(func.lower(Person.email) == address)
            .order_by(Round.id)
        )
    )


def may_draft(session: Session, settings: Settings, round_: Round, email: str) -> bool:
    """A coordinator, or the round's own drafter."""
    if is_coordinator(session, settings, email):
        return True
    drafter = round_.drafter
    return drafter is not None and drafter.email.lower() == email.strip().lower()


def may_log_in(session: Session, settings: Settings, email: str) -> bool:
    """A coordinator, or someone drafting a round's joint answer."""
    return is_coordinator(session, settings, email) or bool(drafts(session, email))
