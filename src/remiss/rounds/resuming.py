"""Openings cut short: which rounds, how far they got, and whom they reach now.

A round opened from a file is written first and invited in batches afterwards
(``rounds.launch``); ``round.opening`` is recorded with the round and ``round.open`` with
the last batch. A round with the first and not the second was cut short (the command
killed, the database restarted, the disk full): its page, the dashboard and ``remiss round
status`` say so, and opening its file again, the button on its page, ``remiss round
finish-opening`` or the sweep finishes it (``usecases.opening.finish_openings``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import AuditEvent, Invitation, Round, RoundGroup
from remiss.core.states import RoundStatus
from remiss.directory.routing import Route, active_groups, known_areas, route

# Recorded when a round's invitations are to follow in transactions of their own.
OPENING = "round.opening"
# Recorded when they are all issued: the opening is finished.
OPENED = "round.open"
# A launch still issuing batches is this recent; the sweep leaves it alone.
STALLED = timedelta(minutes=10)


@dataclass(frozen=True)
class Interrupted:
    """How far a cut-short opening got: invited so far, of the people its routing reaches."""

    invited: int
    reached: int

    @property
    def line(self) -> str:
        return f"öppnandet avbröts: {self.invited} av {self.reached} inbjudna"


def _cut_short(session: Session, *where: ColumnElement[bool]) -> list[int]:
    began = exists().where(AuditEvent.round_id == Round.id, AuditEvent.action == OPENING)
    ended = exists().where(AuditEvent.round_id == Round.id, AuditEvent.action == OPENED)
    return list(session.scalars(select(Round.id).where(began, ~ended, *where).order_by(Round.id)))


def cut_short(session: Session, round_ids: Collection[int] | None = None) -> set[int]:
    """Of these rounds (all, with None), those whose opening began in batches and never
    finished."""
    if round_ids is not None and not round_ids:
        return set()
    where = [] if round_ids is None else [Round.id.in_(round_ids)]
    return set(_cut_short(session, *where))


def stalled(session: Session) -> list[int]:
    """Open rounds whose opening was cut short over ``STALLED`` ago (none is still issuing)."""
    began = exists().where(
        AuditEvent.round_id == Round.id,
        AuditEvent.action == OPENING,
        AuditEvent.at <= now() - STALLED,
    )
    return _cut_short(session, Round.status == RoundStatus.OPEN, began)


def still_cut_short(session: Session, round_ids: Collection[int]) -> set[int]:
    """Lock these rounds for the rest of the transaction and return those still cut short:
    of two finishing the same opening at once, the second finds it finished."""
    if not round_ids:
        return set()
    session.execute(select(Round.id).where(Round.id.in_(round_ids)).with_for_update())
    return cut_short(session, round_ids)


def routed_from(session: Session, round_: Round) -> Route:
    """Whom ``round_`` reaches now, routed as its file routes it: from its own areas, its
    groups and its lead, as the directory stands (what has left the directory is left out)."""
    groups = active_groups(session)
    covered = known_areas(groups)
    keys = {g.id: g.key for g in groups}
    stored = session.scalars(
        select(RoundGroup.group_id).where(RoundGroup.round_id == round_.id).order_by(RoundGroup.id)
    )
    named = [keys[group_id] for group_id in stored if group_id in keys]
    areas = [area for area in round_.areas if area in covered]
    lead = keys.get(round_.lead_group_id) if round_.lead_group_id is not None else None
    if not (areas or named or lead):
        # Nothing it was routed to is in the directory any more: it reaches nobody now.
        assert round_.lead_group is not None  # every round opened from a file has its lead
        return Route(groups=[], lead=round_.lead_group)
    return route(session, areas, named, lead)


def interruptions(
    session: Session, round_ids: Collection[int] | None = None
) -> dict[int, Interrupted]:
    """The cut-short openings among these rounds (all, with None), by round id. Routing is
    read only for those (they are rare), never for every round."""
    ids = cut_short(session, round_ids)
    if not ids:
        return {}
    counted = session.execute(
        select(Invitation.round_id, func.count())
        .where(Invitation.round_id.in_(ids))
        .group_by(Invitation.round_id)
    )
    invited: dict[int, int] = {round_id: n for round_id, n in counted}
    return {
        round_.id: Interrupted(invited.get(round_.id, 0), len(routed_from(session, round_).people))
        for round_ in session.scalars(select(Round).where(Round.id.in_(ids)).order_by(Round.id))
    }
