"""The database, as SQLAlchemy 2.0 typed models.

Times are stored as aware UTC datetimes (``UTCDateTime``); deadlines keep their
calendar date next to the exact instant the window ends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from remiss.core.states import RoundStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class Organisation(Base):
    """The body that answers: one row, from the directory's ``organisation:`` block."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short: Mapped[str] = mapped_column(String(40))
    signatory: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="Regionsjukvårdsledningen")


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Group(Base):
    """A regional group (RPO, RSG, kunskapsråd) and the areas it covers."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    memberships: Mapped[list[Membership]] = relationship(back_populates="group")


class Person(Base):
    """Someone who can be invited; matched by normalised email, never deleted."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # True for colleagues added by forwarding, who are in no directory group.
    external: Mapped[bool] = mapped_column(Boolean, default=False)

    region: Mapped[Region | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(60), default="ledamot")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    group: Mapped[Group] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")


class Round(Base):
    """One remiss: a document out for comments with its response window."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(300))
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    batch: Mapped[str | None] = mapped_column(String(200))
    lead_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    opens: Mapped[date] = mapped_column(Date)
    national_deadline: Mapped[date] = mapped_column(Date)
    internal_deadline: Mapped[date] = mapped_column(Date)
    # The exclusive end of the internal window: midnight after internal_deadline, local time.
    internal_deadline_at: Mapped[datetime] = mapped_column()
    # Bumped each time the internal deadline moves (calendar SEQUENCE, reminder offsets).
    deadline_version: Mapped[int] = mapped_column(Integer, default=0)
    # When the internal deadline last moved: reminder moments before it are not due again.
    deadline_changed_at: Mapped[datetime | None] = mapped_column()
    question_set: Mapped[str] = mapped_column(String(100), default="default")
    coordinator: Mapped[str] = mapped_column(String(320))
    our_reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    signatory: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Closed, and the yttrande not yet compiled (the last try failed: compile_error says why);
    # every sweep tries again until it succeeds.
    compile_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    compile_error: Mapped[str | None] = mapped_column(Text)

    lead_group: Mapped[Group | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        order_by="Question.position", back_populates="round"
    )
    routed_groups: Mapped[list[RoundGroup]] = relationship(back_populates="round")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="round")

    def accepting_answers(self, at: datetime) -> bool:
        """Collecting, and ``at`` is before the internal deadline ends."""
        return self.status == RoundStatus.OPEN and at < self.internal_deadline_at


class RoundGroup(Base):
    """A group a round was routed to, and why (area, named, lead)."""

    __tablename__ = "round_groups"
    __table_args__ = (UniqueConstraint("round_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    reason: Mapped[str] = mapped_column(String(20))

    round: Mapped[Round] = relationship(back_populates="routed_groups")
    group: Mapped[Group] = relationship()


class Question(Base):
    """A question of a round, copied from its set so later edits cannot change it."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("round_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "position" | "text"
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship(back_populates="questions")


class Invitation(Base):
    """One person's place in one round, reached through personal links (``InvitationToken``)."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("round_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # active | forwarded | revoked
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column()
    draft_saved_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    no_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    late_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))

    round: Mapped[Round] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship()
    groups: Mapped[list[InvitationGroup]] = relationship(back_populates="invitation")
    versions: Mapped[list[AnswerVersion]] = relationship(
        back_populates="invitation", order_by="AnswerVersion.number"
    )


class InvitationToken(Base):
    """A personal link to an invitation: only the token's hash is kept.

    Every email that carries a link (invitation, reminder, re-send) gets a fresh
    token, and all of them stay valid while the invitation is; so no token ever
    needs to be recoverable from the database.
    """

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column()


class InvitationGroup(Base):
    """A group through which an invitation came (a person may sit in several)."""

    __tablename__ = "invitation_groups"
    __table_args__ = (UniqueConstraint("invitation_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    role: Mapped[str] = mapped_column(String(60), default="ledamot")

    invitation: Mapped[Invitation] = relationship(back_populates="groups")
    group: Mapped[Group] = relationship()


class AnswerVersion(Base):
    """Every save of an answer, draft or submitted; nothing is ever overwritten."""

    __tablename__ = "answer_versions"
    __table_args__ = (UniqueConstraint("invitation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # "draft" | "submitted"
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    no_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column()

    invitation: Mapped[Invitation] = relationship(back_populates="versions")


class Message(Base):
    """The outbox: a rendered email queued in the transaction that caused it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(300))
    # The whole MIME message; personal links are redacted from it once it is sent.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    # pending | sending | sent | failed
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    claim: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    # Until when the message is any use (a link into a round that then closes); an
    # unreachable server makes it wait until then, never fail before.
    expires_at: Mapped[datetime | None] = mapped_column()
    # Since when it waits for a server that could not be reached (None once sent).
    waiting_since: Mapped[datetime | None] = mapped_column(index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)


class ReminderClaim(Base):
    """That the reminder at one offset for one invitation (at one deadline) is taken."""

    __tablename__ = "reminder_claims"
    __table_args__ = (UniqueConstraint("invitation_id", "offset_days", "deadline_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"))
    offset_days: Mapped[int] = mapped_column(Integer)
    deadline_version: Mapped[int] = mapped_column(Integer)
    message_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()


class LoginToken(Base):
    """A one-time coordinator login link (hash only)."""

    __tablename__ = "login_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class YttrandeVersion(Base):
    """A compiled yttrande, kept with its time and checksum."""

    __tablename__ = "yttrande_versions"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    checksum: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)


class AuditEvent(Base):
    """Who did what, when: an append-only log."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CoordinatorSession(Base):
    """A coordinator's logged-in session, kept here so that logout and removal end it."""

    __tablename__ = "coordinator_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column()
    seen_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


class RateBucket(Base):
    """A token bucket of the rate limiter, shared by every web process."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    tokens: Mapped[float] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(index=True)
