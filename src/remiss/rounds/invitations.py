"""Invitations: one per person per round, each with its own personal link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import NotFound, Refused
from remiss.core.models import Group, Invitation, InvitationGroup, InvitationToken, Person, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, RoundStatus
from remiss.core.tokens import hash_token, new_token
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox, replies
from remiss.mail.ics import deadline_event
from remiss.mail.rendering import Attachment


def link(settings: Settings, token: str) -> str:
    return f"{settings.base_url}/r/{token}"


def calendar_uid(settings: Settings, round_id: int, invitation_id: int) -> str:
    domain = settings.mail_from.rsplit("@", 1)[-1] or "localhost"
    return f"remiss-round-{round_id}-invitation-{invitation_id}@{domain}"


def calendar_attachment(settings: Settings, round_: Round, invitation: Invitation) -> Attachment:
    uid = calendar_uid(settings, invitation.round_id, invitation.id)
    return deadline_calendar(settings, round_, uid, now())


def deadline_calendar(settings: Settings, round_: Round, uid: str, stamp: datetime) -> Attachment:
    """The round's internal deadline as a calendar entry with ``uid``, stamped ``stamp``."""
    content = deadline_event(
        uid=uid,
        sequence=round_.deadline_version,
        day=round_.internal_deadline,
        summary=f"Sista dag att svara på remiss: {round_.title}",
        description=(
            f"Intern svarsdag för remissen {round_.title} ({round_.reference}). "
            f"Svara via den personliga länken i inbjudan."
        ),
        url=None,
        stamp=stamp,
        organizer=settings.mail_from,
    )
    return Attachment(
        filename="svarsdag.ics",
        content=content,
        maintype="text",
        subtype="calendar",
        params={"method": "PUBLISH", "charset": "utf-8"},
    )


def create(
    session: Session,
    round_: Round,
    person: Person,
    groups: list[tuple[Group, str]],
    *,
    forwarded_from: Invitation | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its token (shown once, never stored)."""
    invitation = Invitation(
        round_id=round_.id,
        person_id=person.id,
        status=InvitationStatus.ACTIVE,
        created_at=now(),
        forwarded_from_id=forwarded_from.id if forwarded_from else None,
    )
    session.add(invitation)
    session.flush()
    for group, role in groups:
        session.add(InvitationGroup(invitation_id=invitation.id, group_id=group.id, role=role))
    return invitation, issue_token(session, invitation.id, "invitation")


def pending_invitations(session: Session, round_id: int) -> list[Invitation]:
    """Who in the round still owes an answer: active, not submitted, still in the directory."""
    return list(
        session.scalars(
            select(Invitation)
            .join(Person, Person.id == Invitation.person_id)
            .where(
                Invitation.round_id == round_id,
                Invitation.status == InvitationStatus.ACTIVE,
                Invitation.submitted_at.is_(None),
                Person.active,
            )
            .options(selectinload(Invitation.person))
            .order_by(Invitation.id)
        )
    )


def issue_token(session: Session, invitation_id: int, purpose: str) -> str:
    """A new personal link token for an invitation; returned once, stored as a hash."""
    token = new_token()
    session.add(
        InvitationToken(
            invitation_id=invitation_id,
            token_hash=hash_token(token),
            purpose=purpose,
            created_at=now(),
            reply_hash=replies.reply_hash(token),
        )
    )
    return token


def queue_email(
    session: Session,
    settings: Settings,
    round_: Round,
    invitation: Invitation,
    token: str,
    *,
    key: str | None = None,
    forwarded_by: Person | None = None,
) -> bool:
    """Queue the invitation email (with its calendar entry) in the caller's transaction."""
    person = session.get(Person, invitation.person_id)
    assert person is not None
    groups = list(
        session.scalars(
            select(Group)
            .join(InvitationGroup, InvitationGroup.group_id == Group.id)
            .where(InvitationGroup.invitation_id == invitation.id)
            .order_by(InvitationGroup.id)
        )
    )
    email = catalogue.invitation(
        round_=round_,
        person=person,
        org=organisation(session),
        groups=groups,
        link=link(settings, token),
        calendar=calendar_attachment(settings, round_, invitation),
        forwarded_by=forwarded_by,
    )
    email = replies.answerable(email, settings, token)
    return outbox.queue(
        session,
        settings,
        key=key or f"invitation:{invitation.id}",
        email=email,
        round_id=round_.id,
        invitation_id=invitation.id,
    )


def resend(session: Session, settings: Settings, invitation_id: int, actor: str) -> Invitation:
    """Send an invitation again, with a fresh link (earlier links keep working)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status != InvitationStatus.ACTIVE:
        raise NotFound("ingen aktiv inbjudan med det id:t")
    round_ = session.get(Round, invitation.round_id)
    assert round_ is not None
    if round_.status != RoundStatus.OPEN and not invitation.late_allowed:
        raise Refused("remissen är stängd; tillåt ett sent svar först om personen ska kunna svara")
    if not invitation.person.active:
        raise Refused(f"{invitation.person.name} är inte längre aktiv i katalogen")
    token = issue_token(session, invitation.id, "resend")
    invitation.bounced_at, invitation.bounce_reason = None, None  # it is tried again
    session.flush()
    sends = audit_count(session, invitation.id, "invitation.resend")
    queue_email(
        session,
        settings,
        round_,
        invitation,
        token,
        key=f"invitation:{invitation.id}:resend:{sends + 1}",
    )
    audit.record(
        session, actor, "invitation.resend", round_id=round_.id, invitation_id=invitation.id
    )
    return invitation


def audit_count(session: Session, invitation_id: int, action: str) -> int:
    from sqlalchemy import func

    from remiss.core.models import AuditEvent

    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.invitation_id == invitation_id, AuditEvent.action == action)
        )
        or 0
    )


def _link_query(*, lock: bool) -> Select[tuple[Invitation]]:
    """The invitation behind a link, by the link's hash (``:token_hash``); ``lock`` holds
    its row until the transaction ends (PostgreSQL), so two changes through links to one
    invitation (a double click) run one after the other."""
    query = (
        select(Invitation)
        .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
        .where(InvitationToken.token_hash == bindparam("token_hash"))
    )
    if lock:
        query = query.with_for_update(of=Invitation).execution_options(populate_existing=True)
    return query


# Built once, at import: a statement built anew costs more than running it.
_BY_TOKEN = _link_query(lock=False)
_BY_TOKEN_LOCKED = _link_query(lock=True)


def by_token(session: Session, token: str, *, lock: bool = False) -> Invitation | None:
    """The invitation a personal link points at, or None (reveals nothing more); ``lock``
    as in ``_link_query``. (The reviewer's page reads its link as rows: ``reviewers.page``.)"""
    query = _BY_TOKEN_LOCKED if lock else _BY_TOKEN
    return session.scalars(query, {"token_hash": hash_token(token)}).unique().first()
