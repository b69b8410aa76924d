"""Closing a round: stop collecting, compile the yttrande, tell the coordinator.

Every shell closes through here: the dashboard's "Stäng nu", ``remiss round close`` and
the sweep at the internal deadline. Closing and compiling happen in the caller's one
transaction, so an answer is either in the compiled version or refused. A compile that
fails does not undo the close: the round keeps ``compile_pending`` with the reason in
``compile_error``, and every sweep tries again until it succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import Refused, RoundNotFound
from remiss.core.models import Invitation, Round
from remiss.core.settings import Settings
from remiss.core.states import RoundStatus
from remiss.rounds import lifecycle
from remiss.rounds.transitions import without_documents
from remiss.yttrande import drafts, notices
from remiss.yttrande.notices import yttrande_ready
from remiss.yttrande.versions import compile_round, latest

ERROR_MAX = 2000


@dataclass(frozen=True)
class Compiled:
    """What compiling a round came to: a version (and whether the coordinator was told)."""

    round_id: int
    reference: str
    closed_now: bool
    version: int | None
    notified: bool
    error: str | None
    # False when compiling found nothing new and handed back the version already kept.
    new_version: bool = True
    # Closed with no submitted answer: no yttrande, no drafting; the state is "inga svar".
    no_answers: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def close_round(session: Session, settings: Settings, round_id: int, actor: str) -> Compiled:
    """Close the round if it is open, then compile what it still needs and tell the coordinator.

    Closing a closed round compiles only when its last compile failed.
    """
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    was_open = round_.status == RoundStatus.OPEN
    round_ = lifecycle.close(session, round_id, actor)
    if not round_.compile_pending:
        return Compiled(round_.id, round_.reference, was_open, None, False, None)
    if not answered(session, round_.id):
        round_.compile_pending = False
        round_.compile_error = None
        audit.record(session, actor, "round.no_answers", round_id=round_.id)
        session.flush()
        return Compiled(round_.id, round_.reference, was_open, None, False, None, no_answers=True)
    # The lead's officer drafts the answer from here, whatever the compile below comes to.
    drafts.begin(session, settings, round_)
    return _compile(session, settings, round_, actor, closed_now=was_open, notify=True)


def answered(session: Session, round_id: int) -> bool:
    """Whether anyone has submitted an answer to the round."""
    found = session.scalar(
        select(Invitation.id)
        .where(Invitation.round_id == round_id, Invitation.submitted_at.is_not(None))
        .limit(1)
    )
    return found is not None


def compile_and_notify(
    session: Session, settings: Settings, round_id: int, actor: str, *, notify: bool = True
) -> Compiled:
    """Compile the round now (open or closed); tell the coordinator of a new version if asked.

    Unlike closing, a failure here is the caller's to report: it is raised.
    """
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    why = without_documents(session, round_)
    if why is not None:
        raise Refused(why)
    before = latest(session, round_id)
    version = compile_round(session, round_id, settings, actor)
    notified = notify and yttrande_ready(session, settings, round_id, version)
    if round_.status == RoundStatus.CLOSED:
        round_.compile_pending = False
        round_.compile_error = None
    session.flush()
    new = before is None or before.number != version.number
    return Compiled(round_.id, round_.reference, False, version.number, notified, None, new)


def due_round_ids(session: Session) -> list[int]:
    """Rounds the sweep must close (past their internal deadline) or compile again."""
    return list(
        session.scalars(
            select(Round.id)
            .where(
                ((Round.status == RoundStatus.OPEN) & (Round.internal_deadline_at <= now()))
                | ((Round.status == RoundStatus.CLOSED) & Round.compile_pending)
            )
            .order_by(Round.id)
        )
    )


def close_due(sessions: sessionmaker[Session], settings: Settings, actor: str) -> list[Compiled]:
    """Close (and compile) every round past its internal deadline; compile what failed before.

    Like delivery, this owns its transactions: one per round, so one round's trouble stays
    that round's. Returns what was closed, compiled, or failed to compile.
    """
    with sessions() as session:
        due = due_round_ids(session)
    results = []
    for round_id in due:
        with sessions() as session, session.begin():
            compiled = close_round(session, settings, round_id, actor)
        if compiled.closed_now or compiled.version is not None or compiled.error is not None:
            results.append(compiled)
    empty = [c.round_id for c in results if c.no_answers and c.closed_now]
    if empty:
        with sessions() as session, session.begin():
            notices.closed_without_answers(session, settings, empty)
    return results


def _compile(
    session: Session,
    settings: Settings,
    round_: Round,
    actor: str,
    *,
    closed_now: bool,
    notify: bool,
) -> Compiled:
    try:
        # A savepoint: a failing compile (a rendering bug, a database error) rolls back to
        # here and leaves the close in place, marked for the next sweep to try again.
        with session.begin_nested():
            version = compile_round(session, round_.id, settings, actor)
            notified = notify and yttrande_ready(session, settings, round_.id, version)
            round_.compile_pending = False
            round_.compile_error = None
    except Exception as exc:  # recorded on the round and in the audit log, never lost
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
        session.refresh(round_)
        round_.compile_error = error
        audit.record(session, actor, "yttrande.compile_failed", round_id=round_.id, error=error)
        session.flush()
        return Compiled(round_.id, round_.reference, closed_now, None, False, error)
    session.flush()
    return Compiled(round_.id, round_.reference, closed_now, version.number, notified, None)
