"""Where a round stands: each person's state, counted per group and region."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from remiss.core.clock import now
from remiss.core.models import Group, Invitation, InvitationGroup, Message, Person, Round
from remiss.core.states import InvitationStatus, MessageStatus, RoundStatus
from remiss.rounds import stage

# State names, in the order a coordinator reads them.
STATES = (
    "submitted",
    "no_comments",
    "draft",
    "opened",
    "not_opened",
    "forwarded",
    "bounced",
    "delivery_failed",
)
STATE_LABELS = {
    "submitted": "Svar inskickat",
    "no_comments": "Inga synpunkter",
    "draft": "Utkast sparat",
    "opened": "Öppnad",
    "not_opened": "Ej öppnad",
    "forwarded": "Vidarebefordrad",
    "bounced": "Studsade",
    "delivery_failed": "Leverans misslyckades",
    "revoked": "Återkallad",
}
ANSWERED = {"submitted", "no_comments"}
GONE = {"forwarded", "revoked"}
MESSAGE_STATUS_LABELS = {
    "pending": "väntar",
    "sending": "skickas",
    "sent": "skickade",
    "failed": "misslyckade",
}


def state_of(invitation: Invitation, failed: bool = False) -> str:
    if invitation.status == InvitationStatus.FORWARDED:
        return "forwarded"
    if invitation.status == InvitationStatus.REVOKED:
        return "revoked"
    if invitation.submitted_at is not None:
        return "no_comments" if invitation.no_comments else "submitted"
    if invitation.bounced_at is not None:
        return "bounced"
    if failed:
        return "delivery_failed"
    if invitation.draft_saved_at is not None:
        return "draft"
    if invitation.opened_at is not None:
        return "opened"
    return "not_opened"


@dataclass
class PersonState:
    invitation_id: int
    name: str
    email: str
    region: str
    groups: list[str]
    state: str
    bounce_reason: str | None = None
    by_mail: bool = False  # the draft came as a reply by email

    @property
    def label(self) -> str:
        if self.by_mail and self.state == "draft":
            return "Utkast sparat, svar via e-post"
        if self.state == "bounced" and self.bounce_reason:
            return f"Studsade: {self.bounce_reason}"
        return STATE_LABELS[self.state]


@dataclass
class RoundProgress:
    round: Round
    people: list[PersonState] = field(default_factory=list)
    # (group name, region code) → people in that cell
    cells: dict[tuple[str, str], list[PersonState]] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)

    @property
    def invited(self) -> int:
        return sum(1 for p in self.people if p.state not in {"forwarded", "revoked"})

    @property
    def answered(self) -> int:
        return sum(1 for p in self.people if p.state in ANSWERED)

    def counts(self) -> Counter[str]:
        return Counter(p.state for p in self.people)

    def group_counts(self, group: str) -> tuple[int, int]:
        """(answered, asked) among the people asked through ``group``."""
        people = [p for p in self.people if group in p.groups and p.state not in GONE]
        return sum(1 for p in people if p.state in ANSWERED), len(people)


def failed_invitations(session: Session, round_id: int) -> set[int]:
    """Invitations whose latest invitation email failed (a re-send that arrived clears it)."""
    latest = (
        select(func.max(Message.id))
        .where(Message.round_id == round_id, Message.kind == "invitation")
        .group_by(Message.invitation_id)
    )
    rows = session.scalars(
        select(Message.invitation_id).where(
            Message.id.in_(latest), Message.status == MessageStatus.FAILED
        )
    )
    return {r for r in rows if r is not None}


def round_progress(session: Session, round_: Round) -> RoundProgress:
    failed = failed_invitations(session, round_.id)
    invitations = session.scalars(
        select(Invitation)
        .where(Invitation.round_id == round_.id)
        .options(
            selectinload(Invitation.person).selectinload(Person.region),
            selectinload(Invitation.groups).selectinload(InvitationGroup.group),
        )
        .order_by(Invitation.id)
    ).all()
    progress = RoundProgress(round=round_)
    progress.groups = sorted(
        (rg.group for rg in round_.routed_groups),
        key=lambda g: (g.id != round_.lead_group_id, g.name),
    )
    regions: set[str] = set()
    for inv in invitations:
        region = inv.person.region.code if inv.person.region else "–"
        regions.add(region)
        state = PersonState(
            invitation_id=inv.id,
            name=inv.person.name,
            email=inv.person.email,
            region=region,
            groups=[ig.group.name for ig in inv.groups],
            state=state_of(inv, inv.id in failed),
            bounce_reason=inv.bounce_reason,
            by_mail=inv.replied_at is not None,
        )
        progress.people.append(state)
        for ig in inv.groups:
            progress.cells.setdefault((ig.group.name, region), []).append(state)
    progress.regions = sorted(regions)
    return progress


@dataclass
class RoundSummary:
    id: int
    reference: str
    title: str
    issuer: str
    status: str
    batch: str | None
    national_deadline: date
    internal_deadline: date
    invited: int
    answered: int
    state: str  # inkommen, öppen, beredning … (``stage.state``)
    kind: str = ""
    lead: str | None = None
    created_at: datetime | None = None
    opens: date | None = None
    decided_on: date | None = None
    sent_at: datetime | None = None
    decided_by: str | None = None
    drafts: int = 0  # not answered, a draft saved
    opened: int = 0  # not answered, opened, no draft
    closing: bool = False  # still open, its internal deadline passed: the next sweep closes it

    @property
    def not_opened(self) -> int:
        return max(0, self.invited - self.answered - self.drafts - self.opened)


def list_rounds(session: Session) -> list[RoundSummary]:
    """Every round with its answered/invited counts, by internal deadline."""
    # One pass over the invitations: asked, answered, with a draft, opened (per round).
    unanswered = Invitation.submitted_at.is_(None)
    drafted = unanswered & Invitation.draft_saved_at.is_not(None)
    opened_only = (
        unanswered & Invitation.draft_saved_at.is_(None) & Invitation.opened_at.is_not(None)
    )
    tallies = {
        round_id: (asked, answered, drafts, opened)
        for round_id, asked, answered, drafts, opened in session.execute(
            select(
                Invitation.round_id,
                func.count(),
                func.count(Invitation.submitted_at),
                func.count(case((drafted, 1))),
                func.count(case((opened_only, 1))),
            )
            .where(Invitation.status == InvitationStatus.ACTIVE)
            .group_by(Invitation.round_id)
        )
    }
    rounds = session.scalars(
        select(Round)
        .options(selectinload(Round.lead_group))
        .order_by(Round.internal_deadline, Round.reference)
    )
    moment = now()
    summaries = []
    for r in rounds:
        asked, answered, drafts, opened = tallies.get(r.id, (0, 0, 0, 0))
        summaries.append(
            RoundSummary(
                id=r.id,
                reference=r.reference,
                title=r.title,
                issuer=r.issuer,
                status=r.status,
                batch=r.batch,
                national_deadline=r.national_deadline,
                internal_deadline=r.internal_deadline,
                invited=asked,
                answered=answered,
                state=stage.state(r, answered),
                kind=r.kind,
                lead=r.lead_group.name if r.lead_group is not None else None,
                created_at=r.created_at,
                opens=r.opens,
                decided_on=r.decided_on,
                sent_at=r.sent_at,
                decided_by=r.decided_by,
                drafts=drafts,
                opened=opened,
                closing=r.status == RoundStatus.OPEN and r.internal_deadline_at <= moment,
            )
        )
    return summaries
