"""How a remiss ended, told to everyone it concerned: each person asked and each informed member.

Asked are the round's invitations that count, answered or not: a forwarded one through the
person it ended with, a revoked one not at all. Informed are the active members of the
informed groups the round was routed to (a kunskapsråd) and each routed group's processtöd,
unless asked. A round never opened (triaged straight from inkommen) asked and told nobody,
so nobody is told now.
Each person gets one email per round and outcome, under a key of its own (``key``), so
doing it again sends nothing anew. Services here flush; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import Invitation, Membership, Person, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, TriageDecision
from remiss.directory import routing
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox


@dataclass(frozen=True)
class Told:
    """One person to tell: their invitation when asked, None when informed."""

    person_id: int
    name: str
    email: str
    invitation_id: int | None

    @property
    def informed(self) -> bool:
        return self.invitation_id is None


def everyone(session: Session, round_: Round) -> list[Told]:
    """Everyone asked in the round, then every informed member; each person once."""
    rows = session.execute(
        select(
            Invitation.id, Invitation.status, Person.id, Person.name, Person.email, Person.active
        )
        .join(Person, Person.id == Invitation.person_id)
        .where(Invitation.round_id == round_.id)
        .order_by(Person.name, Person.id)
    ).all()
    if not rows:
        return []
    asked = [
        Told(person_id, name, email, invitation_id)
        for invitation_id, status, person_id, name, email, active in rows
        if status == InvitationStatus.ACTIVE and active
    ]
    informed = [Told(pid, name, email, None) for pid, name, email in told_of(session, round_)]
    return asked + informed


def told_of(session: Session, round_: Round) -> list[tuple[int, str, str]]:
    """The active people told of the round and never asked in it (id, name, email, by name):
    the informed groups' members (a kunskapsråd, unless it leads) and each routed group's
    processtöd, as routing told them at opening."""
    groups = {rg.group_id: rg.group for rg in round_.routed_groups}
    if not groups:
        return []
    # Whoever had an invitation was asked (a forwarded one's successor hears it for them).
    invited = select(Invitation.person_id).where(Invitation.round_id == round_.id)
    rows = session.execute(
        select(Membership.group_id, Membership.role, Person.id, Person.name, Person.email)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.group_id.in_(list(groups)),
            Membership.active,
            Person.active,
            Person.id.not_in(invited),
        )
        .order_by(Person.name, Person.id)
    ).tuples()
    people: dict[int, tuple[int, str, str]] = {}
    for group_id, role, person_id, name, email in rows:
        if routing.told(groups[group_id], role, round_.lead_group_id):
            people.setdefault(person_id, (person_id, name, email))
    return list(people.values())


def key(round_id: int, outcome: str, person_id: int) -> str:
    """The outbox key of one person's email on how one round ended (sent, per-region, avstår)."""
    return f"{prefix(round_id, outcome)}{person_id}"


def prefix(round_id: int, outcome: str) -> str:
    """What the keys of everyone's emails on one outcome of one round begin with."""
    return f"outcome:{round_id}:{outcome}:"


def tell_not_joint(session: Session, settings: Settings, round_: Round) -> int:
    """Tell everyone that the round is answered per region, or not at all, and why.

    Returns how many emails were queued (none already queued for the same outcome).
    """
    decision = TriageDecision(round_.triage_decision or TriageDecision.AVSTAR)
    org = organisation(session)
    queued = 0
    for person in everyone(session, round_):
        email = catalogue.outcome_triaged(
            round_=round_,
            org=org,
            name=person.name,
            to=person.email,
            per_region=decision == TriageDecision.PER_REGION,
            reason=round_.triage_reason,
            informed=person.informed,
        )
        queued += outbox.queue(
            session,
            settings,
            key=key(round_.id, str(decision), person.person_id),
            email=email,
            round_id=round_.id,
            invitation_id=person.invitation_id,
        )
    return queued
