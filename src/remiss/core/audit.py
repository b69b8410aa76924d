"""The audit log: one row per thing a person or the system did."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import AuditEvent


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    round_id: int | None = None,
    invitation_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            at=now(),
            actor=actor,
            action=action,
            round_id=round_id,
            invitation_id=invitation_id,
            detail=detail,
        )
    )
