"""How a coordinator steers a round while it collects: re-send, allow a late answer, remind now."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.errors import NotFound, Refused, RoundNotFound
from remiss.core.models import AuditEvent, Invitation, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox, replies
from remiss.rounds import invitations
from remiss.rounds.transitions import Action, require


def _round(session: Session, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    return round_


def invitation_in(session: Session, round_id: int, invitation_id: int) -> Invitation:
    """The invitation, if it belongs to this round; NotFound otherwise."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_id:
        raise NotFound("Inbjudan finns inte i den här remissen.")
    return invitation


def resend(
    session: Session, settings: Settings, round_id: int, invitation_id: int, actor: str
) -> Invitation:
    """Send one invitation of this round again, with a fresh link."""
    require(session, _round(session, round_id), Action.RESEND)
    invitation_in(session, round_id, invitation_id)
    return invitations.resend(session, settings, invitation_id, actor)


def allow_late(
    session: Session, settings: Settings, round_id: int, invitation_id: int, actor: str
) -> Invitation:
    """Let one person submit once more after the internal deadline, and mail them their link.

    Until the draft is handed over (which ends every such permission: ``end_late_answers``).
    """
    require(session, _round(session, round_id), Action.ALLOW_LATE)
    invitation = invitation_in(session, round_id, invitation_id)
    if invitation.status != InvitationStatus.ACTIVE:
        raise Refused("Inbjudan är inte aktiv (vidarebefordrad eller återkallad).")
    invitation.late_allowed = True
    earlier = invitations.audit_count(session, invitation.id, "invitation.allow_late")
    audit.record(
        session, actor, "invitation.allow_late", round_id=round_id, invitation_id=invitation.id
    )
    round_ = invitation.round
    token = invitations.issue_token(session, invitation.id, "late")
    email = catalogue.late_answer(
        round_=round_,
        person=invitation.person,
        org=organisation(session),
        link=invitations.link(settings, token),
        has_draft=invitation.draft_saved_at is not None,
    )
    email = replies.answerable(email, settings, token)
    outbox.queue(
        session,
        settings,
        key=f"late:{invitation.id}:{earlier + 1}",
        email=email,
        round_id=round_id,
        invitation_id=invitation.id,
    )
    session.flush()
    return invitation


def remind_now(session: Session, settings: Settings, round_id: int, actor: str) -> int:
    """Remind everyone who has not answered, each with a fresh link; return how many."""
    round_ = _round(session, round_id)
    require(session, round_, Action.REMIND)
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
        email = replies.answerable(email, settings, token)
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


def end_late_answers(session: Session, round_id: int) -> None:
    """Withdraw every permission to answer late: the answers are past being drafted from."""
    session.execute(
        update(Invitation)
        .where(Invitation.round_id == round_id, Invitation.late_allowed.is_(True))
        .values(late_allowed=False)
    )
