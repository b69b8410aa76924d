"""Reviewer answers: drafts, submissions, receipts (the page itself: ``page``).

Every submission appends an ``AnswerVersion``; nothing a reviewer sent is overwritten.
A draft saved on top of a draft takes its place (``rows.write``): only the latest draft
since the last submission is kept, and an answer holds at most ``ANSWER_MOST``
characters, so that one link cannot fill the database by saving.
Reading the page changes nothing (mail scanners open links): the invitation is
marked opened by the reviewer's first POST. Saving and submitting read and write as
rows and statements (``rows``, and why); the rest goes through the mapped objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.addresses import Addressee
from remiss.core.clock import now
from remiss.core.errors import InputError, NotFound, Refused
from remiss.core.models import AnswerVersion, Invitation, Organisation, Round
from remiss.core.models.rounds import accepts_answers
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, QuestionKind, VersionKind
from remiss.core.swedish import datetime_sv
from remiss.core.text import printable
from remiss.directory.sync import DEFAULT_ORGANISATION
from remiss.mail import catalogue, outbox, replies
from remiss.reviewers import disagreement, disagreement_due, rows
from remiss.reviewers.page import LEFT_THE_GROUP, answer_lines, may_answer, why_closed
from remiss.reviewers.rows import Answering
from remiss.reviewers.system_level import send as send_system_level
from remiss.rounds import invitations

FORWARDED = (
    "Du har vidarebefordrat remissen. Den här länken kan inte längre användas för att svara."
)
DOUBLE_SUBMIT = (
    "Ditt svar är redan inskickat med exakt det här innehållet. "
    "Ändra något om du vill skicka in en ny version."
)
MISSING = "Besvara frågan innan du skickar in."
BAD_OPTION = "Välj ett av svarsalternativen."
# Some forty pages of text, all the answer's fields together: more than any consultation
# answer needs, little enough that a link saving as fast as it can grows nothing.
ANSWER_MOST = 200_000


def count_sv(n: int) -> str:
    """``n`` as Swedish writes a count: thousands set apart by a (non-breaking) space."""
    return f"{n:,}".replace(",", "\u00a0")


SIZE_HINT = f"Ett svar får vara högst {count_sv(ANSWER_MOST)} tecken, alla fält tillsammans."


class MissingAnswers(InputError):
    """A submission that leaves required questions open; ``fields`` maps key → message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Några frågor behöver besvaras innan du skickar in.")
        self.fields = fields


class TooLong(InputError):
    """An answer longer than ``ANSWER_MOST`` characters; nothing of it is saved."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"Svaret är {count_sv(length)} tecken långt. Ett svar får vara högst "
            f"{count_sv(ANSWER_MOST)} tecken, alla fält tillsammans. Inget sparades: korta "
            "texten och försök igen."
        )
        self.length = length


def check_size(values: dict[str, str]) -> None:
    """Refuse an answer whose fields together hold more than ``ANSWER_MOST`` characters."""
    length = sum(len(value) for value in values.values())
    if length > ANSWER_MOST:
        raise TooLong(length)


def cut_to_size(values: dict[str, str]) -> dict[str, str]:
    """``values`` cut to ``ANSWER_MOST`` characters in all, the first fields first: what
    can be shown again of a form too large to be read whole."""
    left, kept = ANSWER_MOST, {}
    for key, value in values.items():
        kept[key], left = value[:left], max(0, left - len(value))
    return kept


def find(session: Session, token: str, *, lock: bool = False) -> Invitation:
    """The invitation behind a link (to change more than an answer: forwarding,
    opening); unknown and revoked links look the same."""
    invitation = invitations.by_token(session, token, lock=lock)
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise NotFound("Sidan finns inte.")
    return invitation


def latest(invitation: Invitation, kind: str | None = None) -> AnswerVersion | None:
    versions = [v for v in invitation.versions if kind is None or v.kind == kind]
    return versions[-1] if versions else None


def clean(questions: Sequence[Row[Any]], raw: dict[str, str]) -> dict[str, str]:
    """Keep the round's questions only, with line endings made plain and empty ones dropped."""
    values: dict[str, str] = {}
    for q in questions:
        value = printable(raw.get(q.key, ""))
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = value.strip() if q.kind == QuestionKind.POSITION else value.rstrip()
        if value.strip():
            values[q.key] = value
    return values


def check_options(questions: Sequence[Row[Any]], values: dict[str, str]) -> dict[str, str]:
    return {
        q.key: BAD_OPTION
        for q in questions
        if q.kind == QuestionKind.POSITION and q.key in values and values[q.key] not in q.options
    }


def _answerable(session: Session, token: str) -> Answering:
    """The link to answer through, locked (``rows.read_to_answer``); refused if it may not."""
    return may_answer_through(rows.read_to_answer(session, token))


def may_answer_through(found: Answering) -> Answering:
    """``found`` if its link may answer now; ``Refused`` saying why not."""
    link = found.link
    if link.status == InvitationStatus.FORWARDED:
        raise Refused(FORWARDED)
    if not may_answer(link.status, link.late_allowed, link.round_status, link.internal_deadline_at):
        raise Refused(why_closed(link.closed_at, link.internal_deadline, link.internal_deadline_at))
    if not (link.in_directory or link.late_allowed):  # the coordinator may let them answer
        raise Refused(LEFT_THE_GROUP.format(link.coordinator))
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
    """A version just written (its number, kind, values, no_comments, created_at), and
    whose it is."""

    invitation_id: int
    round_id: int
    version: Row[Any]


def save_draft(
    session: Session, token: str, raw: dict[str, str], *, system_level: bool = False
) -> Saved:
    """Keep what the reviewer typed as a draft, in place of a draft saved since the last
    submission; nothing is required yet."""
    found = _answerable(session, token)
    values = clean(found.questions, raw)
    check_size(values)
    errors = check_options(found.questions, values)
    if errors:
        raise MissingAnswers(errors)
    link = found.link
    version = rows.write(
        session, found, VersionKind.DRAFT, values, False, rows.DRAFT_SAVED,
        system_level=system_level,
    )  # fmt: skip
    audit.record(
        session,
        link.email,
        "answer.draft",
        round_id=link.round_id,
        invitation_id=link.id,
        version=version.number,
    )
    return Saved(link.id, link.round_id, version)


def submit(
    session: Session, settings: Settings, token: str, raw: dict[str, str], *, no_comments: bool,
    escalate: bool = True, system_level: bool = False, attached: bool = False,
) -> Saved:  # fmt: skip
    """Submit an answer (or "Inga synpunkter"); queue a receipt with a copy of it.

    With ``system_level`` (the reviewer marked consequences at system level; never with
    "Inga synpunkter") the answer is queued at once to the informed groups' members and
    the coordinator (``system_level.send``).

    With ``escalate`` the round's disagreement is looked at in the same transaction;
    without, the round is flagged for a worker to look at once this one has committed
    (``disagreement_due``): the web does, so that a submission holds its locks no longer
    than it must.
    """
    found = _answerable(session, token)
    questions = found.questions
    system_level = system_level and not no_comments
    values = {} if no_comments else clean(questions, raw)
    check_size(values)
    if not no_comments:
        errors = check_options(questions, values)
        errors.update({q.key: MISSING for q in questions if q.required and q.key not in values})
        if errors:
            raise MissingAnswers(errors)
    previous = found.latest(VersionKind.SUBMITTED)
    sent = previous and (previous.values, previous.no_comments, previous.system_level)
    if not attached and sent == (values, no_comments, system_level):
        raise Refused(DOUBLE_SUBMIT)
    link = found.link
    late = link.late_allowed and not accepts_answers(
        link.round_status, link.internal_deadline_at, now()
    )
    # The one late answer allowed is given with this one.
    still_late = link.late_allowed and not late
    version = rows.write(
        session,
        found,
        VersionKind.SUBMITTED,
        values,
        no_comments,
        rows.SUBMITTED,
        gave_none=no_comments,
        still_late=still_late,
        system_level=system_level,
    )
    audit.record(
        session,
        link.email,
        "answer.submit",
        round_id=link.round_id,
        invitation_id=link.id,
        version=version.number,
        no_comments=no_comments,
        late=late,
    )
    queue_receipt(session, settings, found, version, token)
    if system_level:
        send_system_level(session, settings, found, version)
    if escalate:
        round_ = session.get(Round, link.round_id)
        assert round_ is not None  # the invitation's, read above
        disagreement.escalate(session, settings, round_)
    else:
        disagreement_due.mark(session, link.round_id)
    return Saved(link.id, link.round_id, version)


def queue_receipt(
    session: Session, settings: Settings, found: Answering, version: Row[Any], token: str
) -> bool:
    """The receipt of ``version``, with the link it was sent through (``token``): the
    reviewer's own, mailed to the reviewer before; no new link is made for it."""
    link = found.link
    # Counted in submissions: drafts saved in between are not versions the reviewer sent.
    submissions = 1 + sum(1 for v in found.versions if v.kind == VersionKind.SUBMITTED)
    texts = {q.key: q.text for q in found.questions}
    email = catalogue.receipt(
        round_=link,
        person=Addressee(link.person_id, link.name, link.email),
        # Read with the link: the name is all a receipt shows of it.
        org=Organisation(name=link.organisation or DEFAULT_ORGANISATION["name"]),
        answers=answer_lines(texts, version.values, version.no_comments),
        submitted_at=datetime_sv(version.created_at, settings.tz),
        version=submissions,
        link=invitations.link(settings, token),
    )
    email = replies.answerable(email, settings, token)
    return outbox.queue(
        session,
        settings,
        key=f"receipt:{link.id}:{version.number}",
        email=email,
        round_id=link.round_id,
        invitation_id=link.id,
    )
