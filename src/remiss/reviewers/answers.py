"""Reviewer answers: drafts, submissions, receipts (the page itself: ``page``).

Every save appends an ``AnswerVersion``; nothing a reviewer sent is overwritten.
Reading the page changes nothing (mail scanners open links): the invitation is
marked opened by the reviewer's first POST.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, func, insert, update
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import Addressee
from remiss.core.clock import now
from remiss.core.errors import InputError, NotFound, Refused
from remiss.core.models import AnswerVersion, Invitation, Organisation, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, QuestionKind, VersionKind
from remiss.core.swedish import datetime_sv
from remiss.core.text import printable
from remiss.directory.sync import DEFAULT_ORGANISATION
from remiss.mail import catalogue, outbox
from remiss.reviewers import disagreement, page
from remiss.reviewers.page import (
    Link,
    PageQuestion,
    PageVersion,
    answer_lines,
    closed_reason,
    is_editable,
)
from remiss.rounds.invitations import by_token, link

FORWARDED = (
    "Du har vidarebefordrat remissen. Den här länken kan inte längre användas för att svara."
)
DOUBLE_SUBMIT = (
    "Ditt svar är redan inskickat med exakt det här innehållet. "
    "Ändra något om du vill skicka in en ny version."
)
MISSING = "Besvara frågan innan du skickar in."
BAD_OPTION = "Välj ett av svarsalternativen."


class MissingAnswers(InputError):
    """A submission that leaves required questions open; ``fields`` maps key → message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Några frågor behöver besvaras innan du skickar in.")
        self.fields = fields


def find(session: Session, token: str, *, lock: bool = False) -> Invitation:
    """The invitation behind a link, as a mapped object (to change more than an answer:
    forwarding, opening); unknown and revoked links look the same."""
    invitation = by_token(session, token, lock=lock)
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise NotFound("Sidan finns inte.")
    return invitation


def latest(invitation: Invitation, kind: str | None = None) -> AnswerVersion | None:
    versions = [v for v in invitation.versions if kind is None or v.kind == kind]
    return versions[-1] if versions else None


def clean(questions: Sequence[PageQuestion], raw: dict[str, str]) -> dict[str, str]:
    """Keep the round's questions only, with line endings made plain and empty ones dropped."""
    values: dict[str, str] = {}
    for q in questions:
        value = printable(raw.get(q.key, ""))
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = value.strip() if q.kind == QuestionKind.POSITION else value.rstrip()
        if value.strip():
            values[q.key] = value
    return values


def check_options(questions: Sequence[PageQuestion], values: dict[str, str]) -> dict[str, str]:
    return {
        q.key: BAD_OPTION
        for q in questions
        if q.kind == QuestionKind.POSITION and q.key in values and values[q.key] not in q.options
    }


def _answerable(session: Session, token: str) -> Link:
    """The link to answer through, locked (``page.read_to_answer``); refused if it may not."""
    found = page.read_to_answer(session, token)
    if found.invitation.status == InvitationStatus.FORWARDED:
        raise Refused(FORWARDED)
    if not is_editable(found.invitation, found.round):
        raise Refused(closed_reason(found.round))
    return found


def mark_opened(session: Session, token: str) -> bool:
    """Record that the reviewer has seen the page; True the first time.

    Called by the page's own script after it has loaded in a browser, never by a
    GET: mail scanners fetch links but do not post forms.
    """
    invitation = find(session, token)
    if invitation.opened_at is not None or invitation.status != InvitationStatus.ACTIVE:
        return False
    invitation.opened_at = now()
    session.flush()
    return True


@dataclass(frozen=True)
class Saved:
    """A version just written, and whose it is."""

    invitation_id: int
    round_id: int
    version: PageVersion


def _next_version(found: Link, kind: str, values: dict[str, Any], no_comments: bool) -> PageVersion:
    newest = found.latest()
    number = (newest.number if newest else 0) + 1
    return PageVersion(number, kind, values, no_comments, created_at=now())


def _write(
    session: Session, found: Link, version: PageVersion, mark: Update, **marks: object
) -> Saved:
    """Write ``version`` and mark its invitation (``mark``: ``_DRAFT_SAVED`` or
    ``_SUBMITTED``, with ``marks``; opened, if it was not): two statements of a fixed
    shape, not a unit of work (saving is the page's busiest write)."""
    invitation = found.invitation
    connection = session.connection()
    connection.execute(
        _INSERT_VERSION,
        {
            "invitation_id": invitation.id, "number": version.number, "kind": version.kind,
            "values": version.values, "no_comments": version.no_comments,
            "created_at": version.created_at,
        },
    )  # fmt: skip
    connection.execute(mark, {"invitation": invitation.id, "moment": version.created_at, **marks})
    return Saved(invitation.id, invitation.round_id, version)


_I = cast(Table, Invitation.__table__)
_INSERT_VERSION = insert(cast(Table, AnswerVersion.__table__))
_MOMENT = bindparam("moment", type_=_I.c.submitted_at.type)
_MARK = update(_I).where(_I.c.id == bindparam("invitation"))
_OPENED = func.coalesce(_I.c.opened_at, _MOMENT)
_DRAFT_SAVED = _MARK.values(draft_saved_at=_MOMENT, opened_at=_OPENED)
_SUBMITTED = _MARK.values(
    submitted_at=_MOMENT,
    opened_at=_OPENED,
    no_comments=bindparam("gave_none", type_=_I.c.no_comments.type),
    late_allowed=bindparam("still_late", type_=_I.c.late_allowed.type),
)


def save_draft(session: Session, token: str, raw: dict[str, str]) -> Saved:
    """Keep what the reviewer typed as a draft; nothing is required yet."""
    found = _answerable(session, token)
    values = clean(found.questions, raw)
    errors = check_options(found.questions, values)
    if errors:
        raise MissingAnswers(errors)
    version = _next_version(found, VersionKind.DRAFT, values, no_comments=False)
    saved = _write(session, found, version, _DRAFT_SAVED)
    audit.record(
        session, found.invitation.person_email, "answer.draft",
        round_id=saved.round_id, invitation_id=saved.invitation_id, version=saved.version.number,
    )  # fmt: skip
    return saved


def submit(
    session: Session, settings: Settings, token: str, raw: dict[str, str], *, no_comments: bool,
    escalate: bool = True,
) -> Saved:  # fmt: skip
    """Submit an answer (or "Inga synpunkter"); queue a receipt with a copy of it.

    With ``escalate`` the round's disagreement is looked at in the same transaction;
    without, the caller has it looked at once this one has committed
    (``disagreement.escalate_round``): the web does, so that a submission holds its locks
    no longer than it must.
    """
    found = _answerable(session, token)
    questions = found.questions
    values = {} if no_comments else clean(questions, raw)
    if not no_comments:
        errors = check_options(questions, values)
        errors.update({q.key: MISSING for q in questions if q.required and q.key not in values})
        if errors:
            raise MissingAnswers(errors)
    previous = found.latest(VersionKind.SUBMITTED)
    if previous is not None and previous.values == values and previous.no_comments == no_comments:
        raise Refused(DOUBLE_SUBMIT)
    version = _next_version(found, VersionKind.SUBMITTED, values, no_comments)
    late = found.invitation.late_allowed and not found.round.accepting_answers(now())
    # The one late answer allowed is given with this one.
    still_late = found.invitation.late_allowed and not late
    saved = _write(
        session, found, version, _SUBMITTED, gave_none=no_comments, still_late=still_late
    )
    audit.record(
        session, found.invitation.person_email, "answer.submit",
        round_id=saved.round_id, invitation_id=saved.invitation_id, version=version.number,
        no_comments=no_comments, late=late,
    )  # fmt: skip
    queue_receipt(session, settings, found, version, token)
    if escalate:
        round_ = session.get(Round, saved.round_id)
        assert round_ is not None  # the invitation's, read above
        disagreement.escalate(session, settings, round_)
    return saved


def queue_receipt(
    session: Session, settings: Settings, found: Link, version: PageVersion, token: str
) -> bool:
    """The receipt of ``version``, with the link it was sent through (``token``): the
    reviewer's own, mailed to the reviewer before; no new link is made for it."""
    invitation = found.invitation
    # Counted in submissions: drafts saved in between are not versions the reviewer sent.
    submissions = 1 + sum(1 for v in found.versions if v.kind == VersionKind.SUBMITTED)
    email = catalogue.receipt(
        round_=found.round,
        person=Addressee(invitation.person_id, invitation.person_name, invitation.person_email),
        # Read with the link: the name is all a receipt shows of it.
        org=Organisation(name=found.organisation or DEFAULT_ORGANISATION["name"]),
        answers=answer_lines(found.questions, version),
        submitted_at=datetime_sv(version.created_at, settings.tz),
        version=submissions,
        link=link(settings, token),
    )
    return outbox.queue(
        session,
        settings,
        key=f"receipt:{invitation.id}:{version.number}",
        email=email,
        round_id=invitation.round_id,
        invitation_id=invitation.id,
    )
