"""Anchoring (förankring): the handed-over draft circulated to the people who must stand
behind it before the decision, each answering through a personal link.

``anchor`` mails the current draft (a PDF marked Utkast) to the kind's ``approvers:`` or to
those named. A draft saved later (``renew``, from ``drafts.save``) makes every answer one
on an older version and mails the new draft. The approvers' answers and where each stands
are ``approvals``; the reminder the working day before the day asked for is
``anchor_reminders``. Services here flush; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import normalise_email
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Approval, ApprovalToken, Person, Round, YttrandeDraft
from remiss.core.settings import Settings
from remiss.core.swedish import date_sv
from remiss.core.text import printable
from remiss.core.tokens import hash_token, new_token
from remiss.core.workdays import is_working_day
from remiss.directory import kinds
from remiss.directory.kinds import Approver
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.mail.rendering import Attachment
from remiss.rounds.transitions import Action, require
from remiss.yttrande import drafts, letter, letter_store
from remiss.yttrande.approvals import WORDS, approvals

# Without a day given, an answer is asked for within a working week.
DEFAULT_WORKING_DAYS = 5


@dataclass(frozen=True)
class Anchored:
    round_id: int
    reference: str
    draft: int
    reply_by: date
    mailed: tuple[str, ...]  # "Helena Strand <helena.strand@…>", those mailed now


def link(settings: Settings, token: str) -> str:
    return f"{settings.base_url}/f/{token}"


def anchor(
    session: Session,
    settings: Settings,
    round_id: int,
    actor: str,
    to: Sequence[str] | None = None,
    by: date | None = None,
) -> Anchored:
    """Mail the current draft to the kind's approvers (or ``to``), each with a personal link,
    asking for an answer by ``by`` (a working week from today unless given).

    Those already sent the current draft are not mailed again: a newer draft reaches them
    when it is saved."""
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    require(session, round_, Action.ANCHOR)
    draft = drafts.current(session, round_id)
    if draft is None:
        raise Refused(f"{round_.reference}: det finns inget sparat utkast att förankra")
    wanted = _approvers(session, round_, to or ())
    reply_by = _reply_by(settings, round_, by)
    existing = {a.email: a for a in approvals(session, round_id)}
    new = [a for a in wanted if a.email not in existing]
    # A day given again moves it for those still waiting on this version; they are told.
    moved = [
        existing[a.email]
        for a in wanted
        if by is not None
        and a.email in existing
        and existing[a.email].reply_by != reply_by
        and existing[a.email].answered_draft != existing[a.email].draft_number
    ]
    if not new and not moved:
        raise Refused(
            f"{round_.reference}: utkastet är redan skickat för förankring till "
            f"{', '.join(a.name for a in wanted)}; ett nytt utkast går till dem när det sparas "
            "(ange en ny svarsdag för att flytta den)"
        )
    draft_pdf = draft_file(session, settings, round_, draft.number)
    org = organisation(session)
    moment = now()
    rows: list[Approval] = []
    for approver in new:
        row = Approval(
            round_id=round_id,
            name=approver.name,
            title=approver.title,
            email=approver.email,
            draft_number=draft.number,
            sent_at=moment,
            reply_by=reply_by,
        )
        session.add(row)
        rows.append(row)
    for row in moved:
        row.reply_by, row.reminded_at = reply_by, None
    session.flush()
    for row in rows + moved:
        email = catalogue.anchoring(
            round_=round_,
            org=org,
            name=row.name,
            to=row.email,
            link=link(settings, issue_token(session, row)),
            reply_by=date_sv(reply_by),
            number=draft.number,
            draft=draft_pdf,
        )
        key = f"anchoring:{row.id}:{draft.number}:{reply_by.isoformat()}"
        outbox.queue(session, settings, key=key, email=email, round_id=round_id)
    mailed = [Approver(name=r.name, title=r.title, email=r.email) for r in rows + moved]
    audit.record(
        session,
        actor,
        "round.anchor",
        round_id=round_id,
        draft=draft.number,
        reply_by=reply_by.isoformat(),
        to=[_named(a) for a in mailed],
    )
    session.flush()
    return Anchored(round_id, round_.reference, draft.number, reply_by, tuple(map(_named, mailed)))


def _named(approver: Approver) -> str:
    return (
        f"{approver.name} <{approver.email}>" if approver.name != approver.email else approver.email
    )


def _approvers(session: Session, round_: Round, to: Sequence[str]) -> list[Approver]:
    """The kind's approvers, or the addresses given (named as the kind or the directory
    names them); each once."""
    spec = kinds.find(organisation(session).kinds, round_.kind)
    known = {a.email: a for a in spec.approvers} if spec is not None else {}
    if not to:
        if not known:
            raise InputError(
                f"remisstypen ”{round_.kind}” har inga godkännare (approvers: i katalogen); "
                "ange vem utkastet ska förankras med",
                field="to",
            )
        return list(known.values())
    chosen: dict[str, Approver] = {}
    for raw in to:
        try:
            address = normalise_email(printable(raw))
        except ValueError as exc:
            raise InputError(f"ogiltig e-postadress: {raw.strip()[:80]}", field="to") from exc
        person = session.scalar(select(Person).where(func.lower(Person.email) == address))
        name = person.name if person is not None else address
        chosen[address] = known.get(address) or Approver(name=name, email=address)
    return list(chosen.values())


def _reply_by(settings: Settings, round_: Round, by: date | None) -> date:
    today = now().astimezone(settings.tz).date()
    if by is None:
        day = today
        for _ in range(DEFAULT_WORKING_DAYS):
            day += timedelta(days=1)
            while not is_working_day(day):
                day += timedelta(days=1)
        return max(today, min(day, round_.national_deadline))
    if by < today:
        raise InputError(f"svarsdagen {date_sv(by)} har redan passerat", field="by")
    if by > round_.national_deadline:
        raise InputError(
            f"svarsdagen {date_sv(by)} ligger efter den nationella svarsdagen "
            f"{date_sv(round_.national_deadline)}",
            field="by",
        )
    return by


def draft_file(session: Session, settings: Settings, round_: Round, number: int) -> Attachment:
    """The current draft as the PDF an approver reads: the letter, marked Utkast."""
    said = letter_store.current(session, round_.id, settings)
    name = letter.file_name(round_, organisation(session), "pdf").removesuffix(".pdf")
    pdf = letter_store.file(session, round_.id, said, "pdf")  # the worker's, once it made it
    return Attachment(f"{name}-utkast-{number}.pdf", pdf, "application", "pdf")


def issue_token(session: Session, approval: Approval) -> str:
    """A new personal link token for ``approval``; returned once, stored as a hash."""
    token = new_token()
    session.add(
        ApprovalToken(approval_id=approval.id, token_hash=hash_token(token), created_at=now())
    )
    return token


def renew(
    session: Session, settings: Settings, round_: Round, draft: YttrandeDraft, actor: str
) -> int:
    """A new draft version: every answer so far is on an older one, and each approver is
    mailed the new draft (a fresh link to the same page). How many were mailed."""
    behind = [a for a in approvals(session, round_.id) if a.draft_number < draft.number]
    if not behind:
        return 0
    draft_pdf = draft_file(session, settings, round_, draft.number)
    org = organisation(session)
    moment = now()
    for approval in behind:
        said = WORDS.get(approval.decision or "")
        earlier = f"{said} på version {approval.answered_draft}" if said else None
        approval.draft_number = draft.number
        approval.sent_at = moment
        if approval.reply_by < moment.astimezone(settings.tz).date():
            approval.reply_by = _reply_by(settings, round_, None)
            approval.reminded_at = None
        email = catalogue.anchoring_new_version(
            round_=round_,
            org=org,
            name=approval.name,
            to=approval.email,
            link=link(settings, issue_token(session, approval)),
            reply_by=date_sv(approval.reply_by),
            number=draft.number,
            earlier=earlier,
            draft=draft_pdf,
        )
        key = f"anchoring:{approval.id}:{draft.number}"
        outbox.queue(session, settings, key=key, email=email, round_id=round_.id)
    audit.record(
        session,
        actor,
        "anchor.renew",
        round_id=round_.id,
        draft=draft.number,
        to=[_named(Approver(name=a.name, email=a.email)) for a in behind],
    )
    session.flush()
    return len(behind)
