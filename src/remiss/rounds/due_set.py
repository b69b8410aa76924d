"""The due set: every reminder whose moment has come and that nobody has claimed yet.

A reminder is due, from its moment (``reminder_calendar``) until the internal
deadline, to everyone invited who has not submitted (a draft is not an answer),
whose invitation is still theirs and who is still active; once per offset and
deadline version, which a ``ReminderClaim`` records.

Found in SQL so that a sweep costs what is due, not what is stored. The calendar
bounds the deadlines that can have a reminder due, so an index finds the few open
rounds on them; their due offsets are worked out here, once per deadline, into a
small table of (deadline, offset, moment) that one query joins to those rounds and
to their unanswered invitations without a claim. Answered and already reminded
invitations never reach Python.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, Select, bindparam, exists, or_, select, union_all
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import Invitation, Person, ReminderClaim, Round, UTCDateTime
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, RoundStatus
from remiss.rounds.reminder_calendar import due_offsets, last_due_deadline


class DueReminder(NamedTuple):
    """One invitation's reminder at one offset, not yet claimed (ordered as its fields)."""

    invitation_id: int
    offset_days: int
    deadline_version: int
    person_id: int


# The tables, not the mapped classes: a statement of ORM attributes has every mapper
# configured and goes through the ORM's compile step, which in a fresh process takes
# many times what the query does (a sweep is often a command of its own).
_rounds, _invitations = Round.__table__.c, Invitation.__table__.c
_people, _claims = Person.__table__.c, ReminderClaim.__table__.c

# Built once, like the due-set query below (once per calendar length): making and
# keying a statement costs more than running it on its index.
_DEADLINES = (
    select(_rounds.internal_deadline)
    .distinct()
    .where(
        _rounds.status == RoundStatus.OPEN,
        _rounds.internal_deadline <= bindparam("latest", type_=Date),
        _rounds.internal_deadline_at > bindparam("moment", type_=UTCDateTime()),
    )
)


def due_reminders(session: Session, settings: Settings) -> list[DueReminder]:
    """Every (invitation, offset) due as of now and not yet claimed."""
    moment = now()
    if not settings.reminder_days:
        return []
    latest = max(last_due_deadline(offset, settings, moment) for offset in settings.reminder_days)
    # On the session's connection: plain rows, no ORM objects, so none of the ORM's
    # per-statement setup, which costs as much as these statements take to run. The
    # session's pending changes count all the same.
    session.flush()
    connection = session.connection()
    deadlines = connection.scalars(_DEADLINES, {"latest": latest, "moment": moment}).all()
    calendar = [
        (deadline, offset, at)
        for deadline in deadlines
        for offset, at in due_offsets(deadline, settings, moment)
    ]
    if not calendar:
        return []
    params: dict[str, Any] = {"moment": moment}
    for n, (deadline, offset, at) in enumerate(calendar):
        params |= {f"deadline_{n}": deadline, f"offset_{n}": offset, f"due_at_{n}": at}
    rows = connection.execute(_due_query(len(calendar)), params).all()
    return sorted(map(DueReminder._make, rows))


@lru_cache(maxsize=64)
def _due_query(length: int) -> Select[tuple[int, int, int, int]]:
    """The unclaimed reminders of a calendar of ``length`` rows.

    The rows come as parameters ``deadline_n``, ``offset_n`` and ``due_at_n``, each
    one SELECT of a UNION ALL: a VALUES list would do, but its statement is compiled
    anew on every run.
    """
    due = union_all(
        *(
            select(
                bindparam(f"deadline_{n}", type_=Date).label("deadline"),
                bindparam(f"offset_{n}", type_=Integer).label("offset_days"),
                bindparam(f"due_at_{n}", type_=UTCDateTime()).label("due_at"),
            )
            for n in range(length)
        )
    ).cte("due")
    claimed = exists().where(
        _claims.invitation_id == _invitations.id,
        _claims.offset_days == due.c.offset_days,
        _claims.deadline_version == _rounds.deadline_version,
    )
    return (
        select(_invitations.id, due.c.offset_days, _rounds.deadline_version, _invitations.person_id)
        .select_from(due)
        .join(Round.__table__, _rounds.internal_deadline == due.c.deadline)
        .join(Invitation.__table__, _invitations.round_id == _rounds.id)
        .join(Person.__table__, _people.id == _invitations.person_id)
        .where(
            _rounds.status == RoundStatus.OPEN,
            _rounds.internal_deadline_at > bindparam("moment", type_=UTCDateTime()),
            # A reminder moment that had passed when the deadline moved is not due
            # again: the extension notice just told everyone.
            or_(
                _rounds.deadline_changed_at.is_(None),
                _rounds.deadline_changed_at < due.c.due_at,
            ),
            _invitations.status == InvitationStatus.ACTIVE,
            _invitations.submitted_at.is_(None),
            _people.active,
            # Someone invited after a reminder's moment was just told; that offset
            # is not theirs (a late round, a forwarded invitation).
            _invitations.created_at < due.c.due_at,
            ~claimed,
        )
    )
