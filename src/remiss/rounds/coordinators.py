"""Coordinators: who they are, what they read about a round, and how they steer it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from remiss.core import audit
from remiss.core.errors import NotFound, Refused, RoundNotFound
from remiss.core.models import (
    AnswerVersion,
    AuditEvent,
    Group,
    Invitation,
    InvitationGroup,
    Membership,
    Person,
    Round,
)
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, RoundStatus, VersionKind
from remiss.core.swedish import datetime_sv
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.rounds import invitations
from remiss.rounds.progress import RoundProgress, round_progress


def is_coordinator(session: Session, settings: Settings, email: str) -> bool:
    """Listed in REMISS_COORDINATORS, or the coordinator of some round."""
    address = email.strip().lower()
    if not address:
        return False
    if address in settings.coordinators:
        return True
    found = session.scalar(select(Round.id).where(func.lower(Round.coordinator) == address))
    return found is not None


@dataclass
class SubmittedAnswer:
    name: str
    region: str
    groups: list[str]
    submitted: str
    version: int
    no_comments: bool
    # (question, answer) in the round's order; empty answers left out
    lines: list[tuple[str, str]]


@dataclass
class RoundOverview:
    progress: RoundProgress
    answers: list[SubmittedAnswer]

    @property
    def round(self) -> Round:
        return self.progress.round


def _round(session: Session, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    return round_


def overview(session: Session, settings: Settings, round_id: int) -> RoundOverview:
    """A round's matrix of people and states, and the latest submitted answer of each."""
    round_ = _round(session, round_id)
    progress = round_progress(session, round_)
    questions = list(round_.questions)
    rows = session.scalars(
        select(Invitation)
        .where(
            Invitation.round_id == round_id,
            Invitation.status == InvitationStatus.ACTIVE,
            Invitation.submitted_at.is_not(None),
        )
        .options(
            selectinload(Invitation.person).selectinload(Person.region),
            selectinload(Invitation.groups).selectinload(InvitationGroup.group),
            selectinload(Invitation.versions),
        )
        .order_by(Invitation.submitted_at)
    ).all()
    answers = []
    for invitation in rows:
        submitted = [v for v in invitation.versions if v.kind == VersionKind.SUBMITTED]
        version: AnswerVersion = submitted[-1]
        answers.append(
            SubmittedAnswer(
                name=invitation.person.name,
                region=invitation.person.region.code if invitation.person.region else "",
                groups=[ig.group.name for ig in invitation.groups],
                submitted=datetime_sv(version.created_at, settings.tz),
                version=version.number,
                no_comments=version.no_comments,
                lines=[
                    (q.text, str(version.values[q.key]))
                    for q in questions
                    if str(version.values.get(q.key, "")).strip()
                ],
            )
        )
    return RoundOverview(progress=progress, answers=answers)


def _invitation_in(session: Session, round_id: int, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_id:
        raise NotFound("Inbjudan finns inte i den här remissen.")
    return invitation


def resend(
    session: Session, settings: Settings, round_id: int, invitation_id: int, actor: str
) -> Invitation:
    """Send one invitation of this round again, with a fresh link."""
    _invitation_in(session, round_id, invitation_id)
    return invitations.resend(session, settings, invitation_id, actor)


def allow_late(session: Session, round_id: int, invitation_id: int, actor: str) -> Invitation:
    """Let one person submit once more after the internal deadline."""
    invitation = _invitation_in(session, round_id, invitation_id)
    if invitation.status != InvitationStatus.ACTIVE:
        raise Refused("Inbjudan är inte aktiv (vidarebefordrad eller återkallad).")
    invitation.late_allowed = True
    audit.record(
        session, actor, "invitation.allow_late", round_id=round_id, invitation_id=invitation.id
    )
    session.flush()
    return invitation


def remind_now(session: Session, settings: Settings, round_id: int, actor: str) -> int:
    """Remind everyone who has not answered, each with a fresh link; return how many."""
    round_ = _round(session, round_id)
    if round_.status != RoundStatus.OPEN:
        raise Refused("Remissen är stängd; förläng svarstiden först om fler ska kunna svara.")
    earlier = (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.round_id == round_id, AuditEvent.action == "round.remind_now")
        )
        or 0
    )
    pending = invitations.pending_invitations(session, round_id)
    org = organisation(session)
    for invitation in pending:
        token = invitations.issue_token(session, invitation.id, "reminder-now")
        email = catalogue.reminder_now(
            round_=round_,
            person=invitation.person,
            org=org,
            link=invitations.link(settings, token),
            has_draft=invitation.draft_saved_at is not None,
        )
        outbox.queue(
            session,
            settings,
            key=f"reminder-now:{invitation.id}:{earlier + 1}",
            email=email,
            round_id=round_id,
            invitation_id=invitation.id,
        )
    audit.record(session, actor, "round.remind_now", round_id=round_id, told=len(pending))
    session.flush()
    return len(pending)


def directory_groups(session: Session) -> list[Group]:
    """Every group with its members, active first, for the dashboard."""
    return list(
        session.scalars(
            select(Group)
            .options(
                selectinload(Group.memberships)
                .selectinload(Membership.person)
                .selectinload(Person.region)
            )
            .order_by(Group.active.desc(), Group.kind, Group.name)
        )
    )
