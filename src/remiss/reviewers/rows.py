"""An answer read and written as rows and statements: where the reviewer's path leaves the ORM.

Saving and submitting are the busiest writes there are (every reviewer, in the same few
hours before a deadline). Through mapped objects they took the reviewer-load bench
(``bench/reviewer_load.py``) under its goal of 0.5× a bare endpoint. Measured on
7 December 2026 on the bench's two cores (other work beside it: ratios moved ±0.05 run to
run), the CPU of one answer in process, and the bench on PostgreSQL with its web
processes' CPU a request:

                                         in process        bench on PostgreSQL
                                      SQLite  PostgreSQL   ratio       web CPU
    mapped objects, unit of work      2.2 ms  3.9 ms       0.48        4.6-4.8 ms
    mapped objects, the two writes
      below as statements             1.6 ms  2.9 ms       0.49, 0.49  3.4-4.1 ms
    rows and statements (here)        1.2 ms  2.2 ms       0.48-0.52   3.2-4.2 ms
    before (rows in mirrored values)  1.1 ms  2.0 ms       0.43-0.55   3.5-4.2 ms

(On SQLite through the unit of work: 0.46 against 0.59-0.62 here.) So an answer reads
its link, its versions and its round's questions as rows, writes its version (a draft on
top of a draft is updated in place: one statement still) and its invitation's marks as
two statements, and nothing outside this module sees those rows.
The page takes its questions from here too; forwarding and opening go through the
mapped objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Update,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from remiss.core.clock import now
from remiss.core.errors import NotFound
from remiss.core.models import (
    AnswerVersion,
    Invitation,
    InvitationGroup,
    InvitationToken,
    Membership,
    Organisation,
    Person,
    Question,
    Round,
)
from remiss.core.states import InvitationStatus, VersionKind
from remiss.core.tokens import hash_token

_QUESTIONS = (
    select(Question.key, Question.kind, Question.text, Question.options, Question.required)
    .where(Question.round_id == bindparam("round"))
    .order_by(Question.position)
)
# A round's questions never change once it is opened (copied from their set, written with
# the round): each process reads them once per round and database, for the page and the
# answers alike. A statement less on each: the page 0.86 -> 0.61 ms, an answer 2.33 ->
# 2.19 ms in process on PostgreSQL.
_ASKED: WeakKeyDictionary[Engine, dict[int, tuple[Row[Any], ...]]] = WeakKeyDictionary()
_ASKED_ROUNDS_MOST = 1000


def questions(connection: Connection, round_id: int) -> tuple[Row[Any], ...]:
    """The round's questions in order, each with its key, kind, text, options and required."""
    known = _ASKED.setdefault(connection.engine, {})
    asked = known.get(round_id)
    if asked is None:
        asked = tuple(connection.execute(_QUESTIONS, {"round": round_id}))
        if len(known) >= _ASKED_ROUNDS_MOST:
            known.clear()
        known[round_id] = asked
    return asked


# An answer's link is read under a lock, held until the answer commits (PostgreSQL; SQLite
# writes one at a time anyway): two answers through links to one invitation (a double
# click) run one after the other. The round is held under a shared lock: closing waits for
# the answer (and then compiles it), or, if closing came first, this reads the round as
# closed. The weakest shared lock (KEY SHARE): an answer escalating a disagreement may
# still update the round while others hold theirs. SQLAlchemy writes one strength of lock
# a statement, hence the suffix. The organisation's name is what a receipt signs with.
# Whether the person is still in the directory as the invitation reached them: active,
# and in one of the groups it came through (a forwarded invitation, or one that came
# through no group, reached them as a person). A re-import may have taken them out.
_CAME_THROUGH = aliased(InvitationGroup, name="came_through")
_MEMBER = aliased(Membership, name="still_member")
IN_DIRECTORY = and_(
    Person.active,
    or_(
        Invitation.forwarded_from_id.is_not(None),
        ~select(_CAME_THROUGH.id)
        .where(_CAME_THROUGH.invitation_id == Invitation.id)
        .correlate(Invitation)
        .exists(),
        select(_CAME_THROUGH.id)
        .join(_MEMBER, _MEMBER.group_id == _CAME_THROUGH.group_id)
        .where(_CAME_THROUGH.invitation_id == Invitation.id)
        .where(_MEMBER.person_id == Person.id, _MEMBER.active)
        .correlate(Invitation, Person)
        .exists(),
    ),
).label("in_directory")
_LINK = (
    select(
        Invitation.id,
        Invitation.round_id,
        Invitation.status,
        Invitation.late_allowed,
        IN_DIRECTORY,
        Person.id.label("person_id"),
        Person.name,
        Person.email,
        Round.title,
        Round.reference,
        Round.coordinator,
        Round.internal_deadline,
        Round.internal_deadline_at,
        Round.closed_at,
        Round.status.label("round_status"),
        select(Organisation.name)
        .order_by(Organisation.id)
        .limit(1)
        .scalar_subquery()
        .label("organisation"),
    )
    .select_from(InvitationToken)
    .join(Invitation, Invitation.id == InvitationToken.invitation_id)
    .join(Person, Person.id == Invitation.person_id)
    .join(Round, Round.id == Invitation.round_id)
    .where(InvitationToken.token_hash == bindparam("token_hash"))
    .with_for_update(of=Invitation)
    .suffix_with("FOR KEY SHARE OF rounds", dialect="postgresql")
)
_VERSION = (
    AnswerVersion.number,
    AnswerVersion.kind,
    AnswerVersion.values,
    AnswerVersion.no_comments,
    AnswerVersion.created_at,
    AnswerVersion.system_level,
)
# Read once the lock is held: an answer committed while this one waited is among them.
_VERSIONS = (
    select(*_VERSION)
    .where(AnswerVersion.invitation_id == bindparam("invitation"))
    .order_by(AnswerVersion.number)
)


@dataclass(frozen=True)
class Answering:
    """A link read to be answered: its row (``_LINK``), its round's questions, and every
    version of its answer so far (number, kind, values, no_comments, created_at,
    system_level)."""

    link: Row[Any]
    questions: tuple[Row[Any], ...]
    versions: list[Row[Any]]

    def latest(self, kind: str | None = None) -> Row[Any] | None:
        """The newest version (of ``kind``)."""
        return next((v for v in reversed(self.versions) if kind in (None, v.kind)), None)


def read_to_answer(session: Session, token: str) -> Answering:
    """The link behind ``token``, locked until the transaction ends. Unknown and revoked
    links look the same: ``NotFound``."""
    return read_by_hash(session, hash_token(token))


def read_by_hash(session: Session, token_hash: str) -> Answering:
    """``read_to_answer`` by the stored hash of the token (a reply by email names its link
    by the reply key: ``remiss.inbound``)."""
    connection = session.connection()
    link = connection.execute(_LINK, {"token_hash": token_hash}).first()
    if link is None or link.status == InvitationStatus.REVOKED:
        raise NotFound("Sidan finns inte.")
    versions = list(connection.execute(_VERSIONS, {"invitation": link.id}))
    return Answering(link, questions(connection, link.round_id), versions)


_MOMENT = bindparam("moment", type_=Invitation.submitted_at.type)
_MARK = update(Invitation).where(Invitation.id == bindparam("invitation"))
_OPENED = func.coalesce(Invitation.opened_at, _MOMENT)
# What a version marks on its invitation: a draft, or a submission (with whether it said
# "Inga synpunkter", and whether a late answer is still allowed).
DRAFT_SAVED = _MARK.values(draft_saved_at=_MOMENT, opened_at=_OPENED)
SUBMITTED = _MARK.values(
    submitted_at=_MOMENT,
    opened_at=_OPENED,
    no_comments=bindparam("gave_none", type_=Invitation.no_comments.type),
    late_allowed=bindparam("still_late", type_=Invitation.late_allowed.type),
)
_INSERT_VERSION = insert(AnswerVersion).returning(*_VERSION)
# A draft saved on top of a draft takes its place, number and all: between two submissions
# only the latest draft is kept (saving a large draft again and again would otherwise grow
# the database by its size each time). The bound names are not the columns' own: those
# are taken by the SET clause.
_REPLACE_DRAFT = (
    update(AnswerVersion)
    .where(
        AnswerVersion.invitation_id == bindparam("invitation"),
        AnswerVersion.number == bindparam("draft_number"),
        AnswerVersion.kind == VersionKind.DRAFT,
    )
    .values(
        values=bindparam("draft_values", type_=AnswerVersion.values.type),
        created_at=bindparam("draft_at", type_=AnswerVersion.created_at.type),
        system_level=bindparam("draft_system_level", type_=AnswerVersion.system_level.type),
    )
    .returning(*_VERSION)
)


def write(
    session: Session,
    found: Answering,
    kind: str,
    values: dict[str, Any],
    no_comments: bool,
    mark: Update,
    *,
    system_level: bool = False,
    **marks: object,
) -> Row[Any]:
    """Write the next version of the answer and mark its invitation (``mark``:
    ``DRAFT_SAVED`` or ``SUBMITTED``, with ``marks``; opened, if it was not); the version
    written. A draft written when the newest version is a draft replaces it.
    ``system_level``: the reviewer marked consequences at system level."""
    newest, at = found.latest(), now()
    connection = session.connection()
    if kind == VersionKind.DRAFT and newest is not None and newest.kind == VersionKind.DRAFT:
        # The link is locked (``read_to_answer``): the newest read is the newest there is.
        version = connection.execute(
            _REPLACE_DRAFT,
            {
                "invitation": found.link.id,
                "draft_number": newest.number,
                "draft_values": values,
                "draft_at": at,
                "draft_system_level": system_level,
            },
        ).one()
    else:
        version = connection.execute(
            _INSERT_VERSION,
            {
                "invitation_id": found.link.id,
                "number": (newest.number if newest else 0) + 1,
                "kind": kind,
                "values": values,
                "no_comments": no_comments,
                "created_at": at,
                "system_level": system_level,
            },
        ).one()
    connection.execute(mark, {"invitation": found.link.id, "moment": at, **marks})
    return version
