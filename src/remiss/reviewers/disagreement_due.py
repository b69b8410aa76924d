"""A round whose disagreement is to be looked at again: flagged by a submission, taken by
one worker (``usecases.worker``), which then calls ``disagreement.escalate_round``.

The flag is the moment the look is due: now, for a submission; the next working day's
morning, for something new on a day already mailed (``disagreement.escalate``). It is set
only when it is not set already, so submissions to a round already flagged write nothing
to its row: under load they do not queue behind each other there. A look due tomorrow
takes in what is submitted meanwhile.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.clock import now
from remiss.core.models import Round


def mark(session: Session, round_id: int) -> None:
    """In the submission's transaction: the round's disagreement is to be looked at."""
    session.execute(
        update(Round)
        .where(Round.id == round_id, Round.disagreement_due_at.is_(None))
        .values(disagreement_due_at=now())
        .execution_options(synchronize_session=False)
    )


def due(sessions: sessionmaker[Session], skip: Collection[int] = (), most: int = 100) -> list[int]:
    """Rounds whose look is due by now, oldest flag first, but those in ``skip``."""
    with sessions() as session:
        found = session.scalars(
            select(Round.id)
            .where(Round.disagreement_due_at <= now())
            .order_by(Round.disagreement_due_at)
            .limit(most + len(skip))
        )
        return [round_id for round_id in found if round_id not in skip][:most]


def take(sessions: sessionmaker[Session], round_id: int) -> bool:
    """Clear the round's flag, if its look is due; False when another worker cleared it
    first (or it is not due yet)."""
    with sessions.begin() as session:
        taken = session.execute(
            update(Round)
            .where(Round.id == round_id, Round.disagreement_due_at <= now())
            .values(disagreement_due_at=None)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount)  # type: ignore[attr-defined]


def put_back(sessions: sessionmaker[Session], round_id: int) -> None:
    """The look failed: flag the round again for the next pass."""
    with sessions.begin() as session:
        mark(session, round_id)
