"""A bounced invitation sent to someone else in one step: another member of the same group
(or a corrected address), who gets their own invitation through the same groups; the one
that bounced is set aside as forwarded, so that it is not counted as silent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Invitation, InvitationGroup, Membership, Person, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus
from remiss.core.text import printable
from remiss.rounds import invitations
from remiss.rounds.transitions import Action, require


@dataclass(frozen=True)
class Candidate:
    """Someone in a bounced invitation's groups who is not asked in the round yet."""

    name: str
    email: str
    group: str


def candidates(session: Session, invitation: Invitation) -> list[Candidate]:
    """The active members of the invitation's groups not already invited to its round."""
    invited = select(Invitation.person_id).where(Invitation.round_id == invitation.round_id)
    rows = session.execute(
        select(Person.name, Person.email, InvitationGroup.group_id)
        .join(Membership, Membership.person_id == Person.id)
        .join(InvitationGroup, InvitationGroup.group_id == Membership.group_id)
        .where(
            InvitationGroup.invitation_id == invitation.id,
            Membership.active,
            Person.active,
            Person.id.not_in(invited),
        )
        .order_by(Person.name)
    )
    names = {ig.group_id: ig.group.name for ig in invitation.groups}
    seen: dict[str, Candidate] = {}
    for name, email, group_id in rows:
        seen.setdefault(email, Candidate(name, email, names.get(group_id, "")))
    return list(seen.values())


def redirect(
    session: Session,
    settings: Settings,
    round_id: int,
    invitation_id: int,
    email: str,
    name: str,
    actor: str,
) -> Invitation:
    """Send the bounced invitation ``invitation_id`` to ``email`` instead (``name`` for an
    address not in the directory); the new invitation."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.RESEND)
    old = session.get(Invitation, invitation_id)
    if old is None or old.round_id != round_id:
        raise InputError("Inbjudan finns inte i den här remissen.")
    if old.status != InvitationStatus.ACTIVE or old.submitted_at is not None:
        raise Refused("Inbjudan är redan besvarad, vidarebefordrad eller återkallad.")
    if old.bounced_at is None:
        raise Refused("E-posten till den här personen har inte studsat: skicka inbjudan igen.")
    try:
        address = normalise_email(printable(email))
    except ValueError as exc:
        raise InputError("Skriv en giltig e-postadress.", field="email") from exc
    person = session.scalars(select(Person).where(func.lower(Person.email) == address)).first()
    if person is None:
        name = " ".join(printable(name).split())
        if not name:
            raise InputError("Skriv namnet på den som ska få inbjudan.", field="name")
        person = Person(
            email=address, name=name, region_id=old.person.region_id, active=True, external=True
        )
        session.add(person)
        session.flush()
    taken = session.scalar(
        select(Invitation.id).where(
            Invitation.round_id == round_id, Invitation.person_id == person.id
        )
    )
    if taken is not None:
        raise InputError(f"{address} är redan inbjuden till den här remissen.", field="email")
    groups = [(ig.group, ig.role) for ig in old.groups]
    new, token = invitations.create(session, round_, person, groups, forwarded_from=old)
    old.status = InvitationStatus.FORWARDED
    session.flush()
    invitations.queue_email(session, settings, round_, new, token, key=f"invitation:{new.id}")
    audit.record(
        session, actor, "invitation.redirect", round_id=round_id, invitation_id=old.id,
        to_invitation=new.id, to=address, bounced=old.bounce_reason,
    )  # fmt: skip
    return new


def candidates_for_round(session: Session, round_id: int) -> dict[int, list[Candidate]]:
    """For each bounced, unanswered invitation of the round: who it could go to instead."""
    bounced = session.scalars(
        select(Invitation).where(
            Invitation.round_id == round_id,
            Invitation.status == InvitationStatus.ACTIVE,
            Invitation.bounced_at.is_not(None),
            Invitation.submitted_at.is_(None),
        )
    )
    return {invitation.id: candidates(session, invitation) for invitation in bounced}
