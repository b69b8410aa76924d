"""What a reviewer's personal link shows, read as plain rows.

The page is the busiest read there is (every reviewer, every visit, and again after
every save), and it only reads: one statement (a round's questions once per process),
its rows made into frozen values, none of them tracked by a session. Reading them as
mapped objects cost three times as much, most of it in making objects nothing would
change. An answer reads the same under a lock, in two statements (``read_to_answer``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, cast
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Row, String, Table, bindparam, func, select
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.errors import NotFound
from remiss.core.models import (
    AnswerVersion,
    Group,
    Invitation,
    InvitationGroup,
    InvitationToken,
    Organisation,
    Person,
    Question,
    Round,
)
from remiss.core.models.rounds import accepts_answers
from remiss.core.states import InvitationStatus, VersionKind
from remiss.core.swedish import date_sv
from remiss.core.tokens import hash_token
from remiss.rounds.questions import NO_COMMENTS

# Deadlines are Swedish days; a page without settings at hand shows them in Swedish time.
SWEDEN = ZoneInfo("Europe/Stockholm")


class Window(Protocol):
    """A round's response window, as a mapped ``Round`` or a ``PageRound`` has it."""

    @property
    def status(self) -> str: ...
    @property
    def internal_deadline(self) -> date: ...
    @property
    def internal_deadline_at(self) -> datetime: ...
    @property
    def closed_at(self) -> datetime | None: ...
    def accepting_answers(self, at: datetime) -> bool: ...


class Answering(Protocol):
    """An invitation, as far as whether it may still answer goes."""

    @property
    def status(self) -> str: ...
    @property
    def late_allowed(self) -> bool: ...


class Asked(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def text(self) -> str: ...


class Given(Protocol):
    @property
    def values(self) -> dict[str, Any]: ...
    @property
    def no_comments(self) -> bool: ...


def is_editable(invitation: Answering, round_: Window) -> bool:
    """Whether the invitation may still save and submit: active, and the round collecting
    (or the coordinator has let this one answer late)."""
    if invitation.status != InvitationStatus.ACTIVE:
        return False
    if invitation.late_allowed:
        return True
    return round_.accepting_answers(now())


def closed_reason(round_: Window, tz: ZoneInfo = SWEDEN) -> str:
    """Why the round takes no more answers: its deadline passed, or the coordinator closed it."""
    closed = round_.closed_at
    if closed is not None and closed < round_.internal_deadline_at:
        day = closed.astimezone(tz).date()
        return (
            f"Remissen är stängd för svar: samordnaren stängde den {date_sv(day)}, "
            f"före den interna svarsdagen {date_sv(round_.internal_deadline)}."
        )
    return (
        f"Remissen är stängd för svar. Den interna svarsdagen "
        f"{date_sv(round_.internal_deadline)} har passerat."
    )


def answer_lines(questions: Sequence[Asked], version: Given | None) -> list[tuple[str, str]]:
    """(question, answer) pairs as the reviewer gave them, for receipts and read-only pages."""
    if version is None:
        return []
    if version.no_comments:
        return [("Svar", NO_COMMENTS)]
    return [(q.text, str(version.values.get(q.key, "")).strip() or "–") for q in questions]


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


_I, _T, _P = _table(Invitation), _table(InvitationToken), _table(Person)
_R, _G, _Q = _table(Round), _table(Group), _table(Question)
_V, _IG, _O = _table(AnswerVersion), _table(InvitationGroup), _table(Organisation)
_LEAD = _G.alias("lead")


@dataclass(frozen=True)
class PageRound:
    """What the page shows of a round, and what decides whether it takes answers."""

    id: int
    reference: str
    title: str
    kind: str
    issuer: str
    documents: list[Any]
    lead_group: str | None  # its name
    coordinator: str
    national_deadline: date
    internal_deadline: date
    internal_deadline_at: datetime
    closed_at: datetime | None
    status: str

    def accepting_answers(self, at: datetime) -> bool:
        return accepts_answers(self.status, self.internal_deadline_at, at)


@dataclass(frozen=True)
class PageInvitation:
    id: int
    round_id: int
    status: str
    late_allowed: bool
    opened_at: datetime | None
    person_id: int
    person_name: str
    person_email: str


@dataclass(frozen=True)
class PageQuestion:
    key: str
    kind: str
    text: str
    options: list[Any]
    required: bool


@dataclass(frozen=True)
class PageVersion:
    number: int
    kind: str
    values: dict[str, Any]
    no_comments: bool
    created_at: datetime


@dataclass(frozen=True)
class Link:
    """What a personal link leads to: the invitation, its round, the round's questions,
    and every version of the answer so far."""

    invitation: PageInvitation
    round: PageRound
    questions: tuple[PageQuestion, ...]
    versions: list[PageVersion]
    # The answering organisation's name, which a receipt signs with: read with the lock
    # (None there before any directory is loaded, and on the page).
    organisation: str | None = None

    def latest(self, kind: str | None = None) -> PageVersion | None:
        """The newest version (of ``kind``)."""
        return next((v for v in reversed(self.versions) if kind in (None, v.kind)), None)


@dataclass
class AnswerPage:
    """Everything the reviewer's page shows, read in one transaction."""

    invitation: PageInvitation
    round: PageRound
    groups: list[str]  # the names of the groups the invitation came through
    questions: tuple[PageQuestion, ...]
    values: dict[str, str]
    latest: PageVersion | None
    submitted: PageVersion | None
    editable: bool
    forwarded_to: str | None = None
    answers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_newer_draft(self) -> bool:
        return (
            self.latest is not None
            and self.latest.kind == VersionKind.DRAFT
            and self.submitted is not None
        )


_ROUND_COLUMNS = (
    "reference", "title", "kind", "issuer", "documents", "coordinator", "national_deadline",
    "internal_deadline", "internal_deadline_at", "closed_at", "status",
)  # fmt: skip
_LINK = (
    select(
        _I.c.id,
        _I.c.round_id,
        _I.c.status,
        _I.c.late_allowed,
        _I.c.opened_at,
        _I.c.person_id,
        _P.c.name,
        _P.c.email,
        *(_R.c[name].label(f"round_{name}") for name in _ROUND_COLUMNS),
        _LEAD.c.name.label("lead_group"),
    )
    .select_from(
        _T.join(_I, _I.c.id == _T.c.invitation_id)
        .join(_P, _P.c.id == _I.c.person_id)
        .join(_R, _R.c.id == _I.c.round_id)
        .outerjoin(_LEAD, _LEAD.c.id == _R.c.lead_group_id)
    )
    .where(_T.c.token_hash == bindparam("token_hash"))
)
# An answer's invitation is read under a lock, held until the answer commits (PostgreSQL;
# SQLite writes one at a time anyway): two answers through links to one invitation (a
# double click) run one after the other, and what was sent before is read once the lock is
# held, an answer committed while this one waited among it. The round is held under a
# shared lock: closing waits for the answer (and then compiles it), or, if closing came
# first, this reads the round as closed. The weakest shared lock (KEY SHARE): an answer
# escalating a disagreement may still update the round while others hold theirs.
_ORGANISATION = select(_O.c.name).order_by(_O.c.id).limit(1).scalar_subquery()
_LINK_LOCKED = (
    _LINK.add_columns(_ORGANISATION.label("organisation"))
    .with_for_update(of=_I)
    .suffix_with("FOR KEY SHARE OF rounds", dialect="postgresql")
)
_QUESTIONS = (
    select(_Q.c.key, _Q.c.kind, _Q.c.text, _Q.c.options, _Q.c.required)
    .where(_Q.c.round_id == bindparam("round"))
    .order_by(_Q.c.position)
)
_VERSION_COLUMNS = ("number", "kind", "values", "no_comments", "created_at")  # PageVersion's
_VERSIONS = (
    select(*(_V.c[name] for name in _VERSION_COLUMNS))
    .where(_V.c.invitation_id == bindparam("invitation"))
    .order_by(_V.c.number)
)
# The groups an invitation came through, in one value: "id:name" of each, joined by a
# character no name holds, put in the order they were routed by ``_groups``.
_GROUP_SEPARATOR = "\x1f"
_GROUPS = (
    select(func.aggregate_strings(_IG.c.id.cast(String) + ":" + _G.c.name, _GROUP_SEPARATOR))
    .select_from(_IG.join(_G, _G.c.id == _IG.c.group_id))
    .where(_IG.c.invitation_id == _I.c.id)
    .scalar_subquery()
)
# The page in one statement: the link's row once for each version of its answer (once,
# with no version, before the first save), with its groups.
_PAGE = (
    _LINK.add_columns(
        _GROUPS.label("groups"), *(_V.c[name].label(f"version_{name}") for name in _VERSION_COLUMNS)
    )
    .outerjoin_from(_I, _V, _V.c.invitation_id == _I.c.id)
    .order_by(_V.c.number)
)
_SUCCESSOR = (
    select(_P.c.name)
    .select_from(_I.join(_P, _P.c.id == _I.c.person_id))
    .where(_I.c.forwarded_from_id == bindparam("invitation"))
    .order_by(_I.c.id)
    .limit(1)
)


def _round(row: Row[Any]) -> PageRound:
    values = {name: row._mapping[f"round_{name}"] for name in _ROUND_COLUMNS}
    return PageRound(id=row.round_id, lead_group=row.lead_group, **values)


def read_to_answer(session: Session, token: str) -> Link:
    """What a personal link leads to, read under its lock (``_LINK_LOCKED``) to be
    answered: the versions are read once the lock is held. Unknown and revoked links look
    the same: ``NotFound``. (The page reads it without a lock: ``view``.)"""
    connection = session.connection()
    found = _found(connection.execute(_LINK_LOCKED, {"token_hash": hash_token(token)}).first())
    versions = connection.execute(_VERSIONS, {"invitation": found.id})
    return _link(connection, found, [PageVersion(*v) for v in versions], found.organisation)


def _found(row: Row[Any] | None) -> Row[Any]:
    if row is None or row.status == InvitationStatus.REVOKED:
        raise NotFound("Sidan finns inte.")
    return row


def _link(
    connection: Connection, found: Row[Any], versions: list[PageVersion],
    organisation: str | None = None,
) -> Link:  # fmt: skip
    invitation = PageInvitation(
        id=found.id, round_id=found.round_id, status=found.status,
        late_allowed=found.late_allowed, opened_at=found.opened_at, person_id=found.person_id,
        person_name=found.name, person_email=found.email,
    )  # fmt: skip
    questions = _questions(connection, found.round_id)
    return Link(invitation, _round(found), questions, versions, organisation)


def _read_page(session: Session, token: str) -> tuple[Link, list[str]]:
    """The link (``_PAGE``: one statement) and the names of its groups."""
    connection = session.connection()
    rows = connection.execute(_PAGE, {"token_hash": hash_token(token)}).all()
    found = _found(rows[0] if rows else None)
    versions = [
        PageVersion(*(row._mapping[f"version_{name}"] for name in _VERSION_COLUMNS))
        for row in rows
        if row.version_number is not None
    ]
    return _link(connection, found, versions), _groups(found.groups)


def _groups(joined: str | None) -> list[str]:
    """The names in ``_GROUPS``' value, in the order the invitation was routed to them."""
    pairs = (item.split(":", 1) for item in (joined or "").split(_GROUP_SEPARATOR) if item)
    return [name for _, name in sorted(pairs, key=lambda pair: int(pair[0]))]


# A round's questions never change once it is opened (copied from their set, written with
# the round): each process reads them once per round and database.
_ASKED: WeakKeyDictionary[Engine, dict[int, tuple[PageQuestion, ...]]] = WeakKeyDictionary()
_ASKED_ROUNDS_MOST = 1000


def _questions(connection: Connection, round_id: int) -> tuple[PageQuestion, ...]:
    known = _ASKED.setdefault(connection.engine, {})
    questions = known.get(round_id)
    if questions is None:
        rows = connection.execute(_QUESTIONS, {"round": round_id})
        questions = tuple(PageQuestion(*row) for row in rows)
        if len(known) >= _ASKED_ROUNDS_MOST:
            known.clear()
        known[round_id] = questions
    return questions


def view(session: Session, token: str) -> AnswerPage:
    """The page for a personal link; changes nothing. Unknown and revoked links look the
    same: ``NotFound``."""
    link, groups = _read_page(session, token)
    invitation, round_, questions = link.invitation, link.round, link.questions
    submitted = link.latest(VersionKind.SUBMITTED)
    newest = link.latest()
    page = AnswerPage(
        invitation=invitation,
        round=round_,
        groups=groups,
        questions=questions,
        values={k: str(v) for k, v in (newest.values if newest else {}).items()},
        latest=newest,
        submitted=submitted,
        editable=is_editable(invitation, round_),
        answers=answer_lines(questions, submitted),
    )
    if invitation.status == InvitationStatus.FORWARDED:
        page.forwarded_to = session.connection().scalar(_SUCCESSOR, {"invitation": invitation.id})
    return page
