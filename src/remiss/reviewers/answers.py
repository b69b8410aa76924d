"""Reviewer answers: drafts, submissions, receipts (the page itself: ``page``).

Every save appends an ``AnswerVersion``; nothing a reviewer sent is overwritten.
Reading the page changes nothing (mail scanners open links): the invitation is
marked opened by the reviewer's first POST.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, contains_eager, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, NotFound, Refused
from remiss.core.models import AnswerVersion, Invitation, Question, Round
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, QuestionKind, VersionKind
from remiss.core.swedish import datetime_sv
from remiss.core.text import printable
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.reviewers.page import answer_lines, closed_reason, is_editable
from remiss.rounds.invitations import by_token, link, link_query
from remiss.yttrande import disagreement

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


# An answer's invitation, locked, with who answers and the round it is given to (with its
# questions); what they sent before is read once the lock is held (``_VERSIONS``, a
# statement of its own), so that an answer committed while this one waited for it is
# among them. On PostgreSQL the round is held under a shared lock until the answer
# commits: closing waits for it (and then compiles it), or, if closing came first, this
# reads the round as closed. The weakest shared lock (KEY SHARE): a submission escalating
# a disagreement may still update the round while others hold theirs. One statement
# takes both locks.
ANSWERING = (
    link_query(
        contains_eager(Invitation.round).joinedload(Round.questions),
        joinedload(Invitation.person),
        lock=True,
    )
    .join(Round, Round.id == Invitation.round_id)
    .suffix_with("FOR KEY SHARE OF rounds", dialect="postgresql")
)
_VERSIONS = (
    select(AnswerVersion)
    .where(AnswerVersion.invitation_id == bindparam("invitation"))
    .order_by(AnswerVersion.number)
)


def find(
    session: Session,
    token: str,
    *,
    lock: bool = False,
    query: Select[tuple[Invitation]] | None = None,
) -> Invitation:
    """The invitation behind a link; unknown and revoked links look the same."""
    invitation = by_token(session, token, lock=lock, query=query)
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise NotFound("Sidan finns inte.")
    return invitation


def latest(invitation: Invitation, kind: str | None = None) -> AnswerVersion | None:
    versions = [v for v in invitation.versions if kind is None or v.kind == kind]
    return versions[-1] if versions else None


def clean(questions: list[Question], raw: dict[str, str]) -> dict[str, str]:
    """Keep the round's questions only, with line endings made plain and empty ones dropped."""
    values: dict[str, str] = {}
    for q in questions:
        value = printable(raw.get(q.key, ""))
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = value.strip() if q.kind == QuestionKind.POSITION else value.rstrip()
        if value.strip():
            values[q.key] = value
    return values


def check_options(questions: list[Question], values: dict[str, str]) -> dict[str, str]:
    return {
        q.key: BAD_OPTION
        for q in questions
        if q.kind == QuestionKind.POSITION and q.key in values and values[q.key] not in q.options
    }


def _editable_invitation(session: Session, token: str) -> Invitation:
    invitation = find(session, token, query=ANSWERING)
    if invitation.status == InvitationStatus.FORWARDED:
        raise Refused(FORWARDED)
    _read_versions(session, invitation)
    if not is_editable(invitation, invitation.round):
        raise Refused(closed_reason(invitation.round))
    return invitation


def _read_versions(session: Session, invitation: Invitation) -> None:
    versions = session.scalars(_VERSIONS, {"invitation": invitation.id}).all()
    set_committed_value(invitation, "versions", list(versions))


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


def _append(
    session: Session, invitation: Invitation, kind: str, values: dict[str, Any], no_comments: bool
) -> AnswerVersion:
    newest = latest(invitation)
    version = AnswerVersion(
        invitation_id=invitation.id,
        number=(newest.number if newest else 0) + 1,
        kind=kind,
        values=values,
        no_comments=no_comments,
        created_at=now(),
    )
    session.add(version)
    invitation.versions.append(version)
    return version


def _write_submitted(
    session: Session, invitation: Invitation, values: dict[str, Any], no_comments: bool,
    *, late: bool,
) -> AnswerVersion:  # fmt: skip
    """Write a submitted version and what it changes on its invitation, at once: two
    statements, not a unit of work (a submission is the page's busiest write). The
    objects in memory are brought up to date as written."""
    newest = latest(invitation)
    moment = now()
    version = AnswerVersion(
        invitation_id=invitation.id,
        number=(newest.number if newest else 0) + 1,
        kind=VersionKind.SUBMITTED,
        values=values,
        no_comments=no_comments,
        created_at=moment,
    )
    changes: dict[str, Any] = {"submitted_at": moment, "no_comments": no_comments}
    if invitation.opened_at is None:
        changes["opened_at"] = moment
    if late:
        changes["late_allowed"] = False
    connection = session.connection()
    row = {c: getattr(version, c) for c in _VERSION_COLUMNS}
    version.id = connection.execute(_INSERT_VERSION, row).scalar_one()
    connection.execute(_UPDATE_INVITATION.values(changes), {"invitation": invitation.id})
    for name, value in changes.items():
        set_committed_value(invitation, name, value)
    # The session knows the version as the row just written: never written again by a
    # flush, however it is reached.
    make_transient_to_detached(version)
    session.add(version)
    set_committed_value(invitation, "versions", [*invitation.versions, version])
    set_committed_value(version, "invitation", invitation)
    return version


_VERSION_COLUMNS = ("invitation_id", "number", "kind", "values", "no_comments", "created_at")
_INSERT_VERSION = insert(cast(Table, AnswerVersion.__table__)).returning(
    AnswerVersion.__table__.c.id
)
_UPDATE_INVITATION = update(cast(Table, Invitation.__table__)).where(
    Invitation.__table__.c.id == bindparam("invitation")
)


def save_draft(session: Session, token: str, raw: dict[str, str]) -> AnswerVersion:
    """Keep what the reviewer typed as a draft; nothing is required yet."""
    invitation = _editable_invitation(session, token)
    questions = list(invitation.round.questions)
    values = clean(questions, raw)
    errors = check_options(questions, values)
    if errors:
        raise MissingAnswers(errors)
    if invitation.opened_at is None:
        invitation.opened_at = now()
    version = _append(session, invitation, "draft", values, no_comments=False)
    invitation.draft_saved_at = version.created_at
    session.flush()
    audit.record(
        session, invitation.person.email, "answer.draft",
        round_id=invitation.round_id, invitation_id=invitation.id, version=version.number,
    )  # fmt: skip
    return version


def submit(
    session: Session, settings: Settings, token: str, raw: dict[str, str], *, no_comments: bool,
    escalate: bool = True,
) -> AnswerVersion:  # fmt: skip
    """Submit an answer (or "Inga synpunkter"); queue a receipt with a copy of it.

    With ``escalate`` the round's disagreement is looked at in the same transaction;
    without, the caller has it looked at once this one has committed
    (``disagreement.escalate_round``): the web does, so that a submission holds its locks
    no longer than it must.
    """
    invitation = _editable_invitation(session, token)
    questions = list(invitation.round.questions)
    values = {} if no_comments else clean(questions, raw)
    if not no_comments:
        errors = check_options(questions, values)
        errors.update({q.key: MISSING for q in questions if q.required and q.key not in values})
        if errors:
            raise MissingAnswers(errors)
    previous = latest(invitation, "submitted")
    if previous is not None and previous.values == values and previous.no_comments == no_comments:
        raise Refused(DOUBLE_SUBMIT)
    late = invitation.late_allowed and not (invitation.round.accepting_answers(now()))
    version = _write_submitted(session, invitation, values, no_comments, late=late)
    audit.record(
        session, invitation.person.email, "answer.submit",
        round_id=invitation.round_id, invitation_id=invitation.id, version=version.number,
        no_comments=no_comments, late=late,
    )  # fmt: skip
    queue_receipt(session, settings, invitation, version, token)
    if escalate:
        disagreement.escalate(session, settings, invitation.round)
    return version


def queue_receipt(
    session: Session, settings: Settings, invitation: Invitation, version: AnswerVersion,
    token: str,
) -> bool:  # fmt: skip
    """The receipt of ``version``, with the link it was sent through (``token``): the
    reviewer's own, mailed to the reviewer before; no new link is made for it."""
    round_ = invitation.round
    person = invitation.person
    # Counted in submissions: drafts saved in between are not versions the reviewer sent.
    submissions = sum(
        1
        for v in invitation.versions
        if v.kind == VersionKind.SUBMITTED and v.number <= version.number
    )
    email = catalogue.receipt(
        round_=round_,
        person=person,
        org=organisation(session),
        answers=answer_lines(list(round_.questions), version),
        submitted_at=datetime_sv(version.created_at, settings.tz),
        version=submissions,
        link=link(settings, token),
    )
    return outbox.queue(
        session,
        settings,
        key=f"receipt:{invitation.id}:{version.number}",
        email=email,
        round_id=round_.id,
        invitation_id=invitation.id,
    )
