"""An approver's side of anchoring: their answer through a personal link, and where each
approver stands (``status``: godkänt, synpunkter or väntar, on the version mailed to them).

An answer is kept with the draft version it was given on; a newer draft (mailed by
``anchoring.renew``) leaves it behind as an answer on an older version until they
answer again. Services here flush; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, NotFound, Refused
from remiss.core.models import Approval, ApprovalToken, Round
from remiss.core.models.anchoring import APPROVED, COMMENTS
from remiss.core.settings import Settings
from remiss.core.states import RoundState
from remiss.core.swedish import date_sv
from remiss.core.text import printable
from remiss.core.tokens import hash_token, looks_like_token
from remiss.directory import kinds
from remiss.directory.sync import organisation
from remiss.rounds import stage
from remiss.yttrande import joint
from remiss.yttrande.joint import JointAnswer

WORDS = {APPROVED: "godkänt", COMMENTS: "synpunkter"}
WAITING = "väntar"
COMMENT_MAX = 10_000


@dataclass(frozen=True)
class ApproverStatus:
    """Where one approver stands on the draft version last mailed to them."""

    name: str
    title: str
    email: str
    state: str  # godkänt, synpunkter or väntar, on the version mailed
    answered_at: datetime | None
    comment: str | None
    decision: str | None  # their last answer, on whichever version
    answered_draft: int | None
    draft: int
    reply_by: date

    @property
    def older(self) -> bool:
        """Their last answer was given on an older draft version."""
        return self.decision is not None and self.answered_draft != self.draft

    def line(self, tz: ZoneInfo) -> str:
        """ "godkänt 9 april 2026", "synpunkter 9 april 2026: …", "väntar (svar senast …)"."""
        if self.state != WAITING and self.answered_at is not None:
            day = date_sv(self.answered_at.astimezone(tz).date())
            said = f": {self.comment}" if self.comment else ""
            return f"{self.state} {day}{said}"
        earlier = f"; {self.earlier()}" if self.older else ""
        return f"{WAITING} (svar senast {date_sv(self.reply_by)}{earlier})"

    def earlier(self) -> str:
        """ "godkänt äldre version 2": their answer that a newer draft left behind."""
        said = WORDS.get(self.decision or "", "")
        return f"{said} äldre version {self.answered_draft}"


def approvals(session: Session, round_id: int) -> list[Approval]:
    return list(
        session.scalars(select(Approval).where(Approval.round_id == round_id).order_by(Approval.id))
    )


def status(session: Session, round_id: int) -> list[ApproverStatus]:
    """Each approver of the round: väntar, godkänt (when) or synpunkter (what), on the draft
    version mailed to them, and whether the answer kept is on an older version."""
    return [_status(a) for a in approvals(session, round_id)]


def _status(a: Approval) -> ApproverStatus:
    current = a.decision is not None and a.answered_draft == a.draft_number
    return ApproverStatus(
        name=a.name,
        title=a.title,
        email=a.email,
        state=WORDS[a.decision or ""] if current else WAITING,
        answered_at=a.answered_at,
        comment=a.comment,
        decision=a.decision,
        answered_draft=a.answered_draft,
        draft=a.draft_number,
        reply_by=a.reply_by,
    )


def by_token(session: Session, token: str, *, lock: bool = False) -> Approval | None:
    """The approval a personal link points at, or None (reveals nothing more)."""
    if not looks_like_token(token):
        return None
    query = (
        select(Approval)
        .join(ApprovalToken, ApprovalToken.approval_id == Approval.id)
        .where(ApprovalToken.token_hash == hash_token(token))
    )
    if lock:
        query = query.with_for_update(of=Approval).execution_options(populate_existing=True)
    return session.scalars(query).first()


def closed_reason(state: RoundState) -> str | None:
    """Why an approver can no longer answer, or None while the round is in förankring."""
    if state == RoundState.FORANKRING:
        return None
    if state == RoundState.BESLUTAD:
        return "Yttrandet är redan beslutat, så förankringen är avslutad."
    if state == RoundState.SKICKAD:
        return "Yttrandet är beslutat och skickat, så förankringen är avslutad."
    return "Förankringen är avslutad."


def answer(
    session: Session, token: str, approve: bool, comment: str, seen_draft: int | None = None
) -> Approval:
    """Record an approval (``approve``) or comments on the draft version mailed; again on the
    same version replaces the answer. ``seen_draft``: the version the approver read."""
    approval = by_token(session, token, lock=True)
    if approval is None:
        raise NotFound("länken finns inte")
    round_ = session.get_one(Round, approval.round_id)
    why = closed_reason(stage.current(session, round_))
    if why is not None:
        raise Refused(why)
    if seen_draft is not None and seen_draft != approval.draft_number:
        raise Refused(
            f"Ett nytt utkast (version {approval.draft_number}) har sparats sedan du öppnade "
            "sidan. Läs det och svara på det."
        )
    text = printable(comment).replace("\r\n", "\n").strip()
    if len(text) > COMMENT_MAX:
        raise InputError(
            f"synpunkterna får vara högst {COMMENT_MAX} tecken; de är {len(text)}", field="comment"
        )
    if not approve and not text:
        raise InputError("skriv dina synpunkter", field="comment")
    approval.decision = APPROVED if approve else COMMENTS
    approval.comment = text or None
    approval.answered_at = now()
    approval.answered_draft = approval.draft_number
    audit.record(
        session,
        approval.email,
        "anchor.approve" if approve else "anchor.comment",
        round_id=approval.round_id,
        name=approval.name,
        title=approval.title,
        draft=approval.draft_number,
        comment=approval.comment,
    )
    session.flush()
    return approval


@dataclass(frozen=True)
class ApprovalPage:
    """What an approver's page shows: the round, the draft as the letter reads, their answer."""

    approver: ApproverStatus
    round_id: int
    round_title: str
    reference: str
    issuer: str
    coordinator: str
    letter: JointAnswer
    closed: str | None  # why they can no longer answer, or None


def read(session: Session, settings: Settings, token: str) -> ApprovalPage:
    """The page behind an approver's link; NotFound for a link that is not one."""
    approval = by_token(session, token)
    if approval is None:
        raise NotFound("länken finns inte")
    round_ = session.get_one(Round, approval.round_id)
    return ApprovalPage(
        approver=_status(approval),
        round_id=round_.id,
        round_title=round_.title,
        reference=round_.reference,
        issuer=round_.issuer,
        coordinator=round_.coordinator,
        letter=joint.build(session, round_.id, settings),
        closed=closed_reason(stage.current(session, round_)),
    )


def report(session: Session, round_id: int, tz: ZoneInfo) -> list[str]:
    """The anchoring as ``round status`` prints it: a heading, then one line per approver
    (godkänt, synpunkter or väntar); nothing before the draft is sent for anchoring."""
    rows = status(session, round_id)
    if not rows:
        return []
    versions = sorted({a.draft for a in rows})
    heading = f"Förankring (utkast version {', '.join(map(str, versions))}):"
    return [heading] + [f"  {a.name:<28} {a.line(tz)}" for a in rows]


@dataclass(frozen=True)
class Panel:
    """The round page's Förankring: each approver, and who the kind would ask."""

    approvers: tuple[ApproverStatus, ...]
    kind_approvers: tuple[str, ...]  # names, for the form's hint

    @property
    def summary(self) -> str:
        """ "2 av 3 har godkänt version 4, 1 har synpunkter" (what the decision form says)."""
        versions = sorted({a.draft for a in self.approvers})
        approved = sum(a.state == WORDS[APPROVED] for a in self.approvers)
        comments = sum(a.state == WORDS[COMMENTS] for a in self.approvers)
        text = (
            f"{approved} av {len(self.approvers)} har godkänt version "
            f"{', '.join(map(str, versions))}"
        )
        return text + (f", {comments} har synpunkter" if comments else "")


def panel(session: Session, round_: Round) -> Panel:
    spec = kinds.find(organisation(session).kinds, round_.kind)
    named = tuple(a.name for a in spec.approvers) if spec is not None else ()
    return Panel(tuple(status(session, round_.id)), named)
