"""The audit log: one row per thing a person or the system did."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import AuditEvent

_INSERT = insert(cast(Table, AuditEvent.__table__))


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    round_id: int | None = None,
    invitation_id: int | None = None,
    **detail: Any,
) -> None:
    """Append a row to the log, written at once in the caller's transaction (a statement of
    its own, not left to the session's next flush)."""
    session.connection().execute(
        _INSERT,
        {
            "at": now(),
            "actor": actor,
            "action": action,
            "round_id": round_id,
            "invitation_id": invitation_id,
            "detail": detail,
        },
    )
