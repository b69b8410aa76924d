"""Rounds, their questions and invitations, and the answers given."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from remiss.core.models.base import Base
from remiss.core.states import RoundStatus

if TYPE_CHECKING:
    from remiss.core.models.directory import Group, Person


class Round(Base):
    """One remiss: a document out for comments with its response window."""

    __tablename__ = "rounds"
    # What the sweep selects: open rounds on the deadlines a reminder can be due for
    # (``due_set``), closed rounds to compile again. Not (status, internal_deadline_at):
    # without statistics SQLite would read the due set's rounds by its range instead.
    __table_args__ = (
        Index("ix_rounds_status_internal_deadline", "status", "internal_deadline"),
        Index("ix_rounds_status_compile_pending", "status", "compile_pending"),
    )

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
    status: Mapped[str] = mapped_column(String(20), default="open")
    summary: Mapped[str | None] = mapped_column(Text)
    signatory: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Closed, and the yttrande not yet compiled (the last try failed: compile_error says why);
    # every sweep tries again until it succeeds.
    compile_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    compile_error: Mapped[str | None] = mapped_column(Text)
    # Drafting: the lead group's processtöd (else ordförande), set when collecting ends.
    drafter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    handed_over_at: Mapped[datetime | None] = mapped_column()
    # Who held which position when the last disagreement email went (a digest of it).
    disagreement_key: Mapped[str | None] = mapped_column(String(64))
    # An answer was submitted since the disagreement was last looked at: the worker looks.
    disagreement_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # Who the disagreement emails have told of, as [question key, "group" | "region", name,
    # side] each, and the working day the last went: at most one a day, for someone new.
    disagreement_mailed: Mapped[list[Any] | None] = mapped_column(JSON)
    disagreement_mailed_on: Mapped[date | None] = mapped_column(Date)
    # How the coordinator handled the disagreement (``remiss round disagreement --handled``).
    disagreement_handled: Mapped[str | None] = mapped_column(Text)
    # Triage: samordnas (opened), per-region or avstår (ended), and why.
    triage_decision: Mapped[str | None] = mapped_column(String(20))
    triage_reason: Mapped[str | None] = mapped_column(Text)
    # The decision on the joint answer, and sending it.
    decided_by: Mapped[str | None] = mapped_column(String(300))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_paragraph: Mapped[str | None] = mapped_column(String(100))
    not_taking_part: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column()
    recipient: Mapped[str | None] = mapped_column(String(320))
    sent_at: Mapped[datetime | None] = mapped_column()
    sent_to: Mapped[str | None] = mapped_column(String(320))
    # The draft version the decision approves; a draft saved after it voids the decision
    # (decided_at cleared, decision_voided_at set), and the round is back in förankring.
    decided_draft: Mapped[int | None] = mapped_column(Integer)
    decision_voided_at: Mapped[datetime | None] = mapped_column()
    # Who signs, as recorded with the decision: [{"name": …, "title": …}, …].
    signatories: Mapped[list[Any] | None] = mapped_column(JSON)
    # Where the kind asks (NHV): whether each region takes its own decision too, by region
    # code, recorded with the decision: {"RJL": true, "RKL": false, …}.
    own_decisions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Nobody answered and the coordinator chose to draft the answer anyway (beredning).
    drafting_without_answers: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    lead_group: Mapped[Group | None] = relationship()
    drafter: Mapped[Person | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        order_by="Question.position", back_populates="round"
    )
    routed_groups: Mapped[list[RoundGroup]] = relationship(back_populates="round")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="round")

    def accepting_answers(self, at: datetime) -> bool:
        """Collecting, and ``at`` is before the internal deadline ends."""
        return accepts_answers(self.status, self.internal_deadline_at, at)


def accepts_answers(status: str, internal_deadline_at: datetime, at: datetime) -> bool:
    """Whether a round in ``status`` with its window ending at ``internal_deadline_at``
    takes answers at ``at`` (``Round.accepting_answers``, and the reviewer page's round)."""
    return status == RoundStatus.OPEN and at < internal_deadline_at


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
    # What a position question takes a position on ("kunskapsstödet"): the yttrande's
    # sentence names it ("… tillstyrker kunskapsstödet, med synpunkter.").
    subject: Mapped[str | None] = mapped_column(String(200))

    round: Mapped[Round] = relationship(back_populates="questions")


class Invitation(Base):
    """One person's place in one round, reached through personal links (``InvitationToken``)."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("round_id", "person_id"),
        # A round's unanswered (or answered) invitations, without reading the rest.
        Index("ix_invitations_round_id_submitted_at", "round_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # active | forwarded | revoked
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column()
    draft_saved_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    no_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    late_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    # The newest draft came as a reply by email (``inbound``), at this moment.
    replied_at: Mapped[datetime | None] = mapped_column()
    # Mail to this invitation bounced (a delivery status notification, or the server's
    # permanent refusal at sending), with the server's reason; cleared when it is sent again.
    bounced_at: Mapped[datetime | None] = mapped_column()
    bounce_reason: Mapped[str | None] = mapped_column(Text)

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
    # The hash of the reply key made from the token (``mail.replies``): the email that
    # carried this link answers to svar+{key}, and a reply there is a draft on it.
    reply_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


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
    # The reviewer marked consequences at system level: sent at once to the informed.
    system_level: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    invitation: Mapped[Invitation] = relationship(back_populates="versions")


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
