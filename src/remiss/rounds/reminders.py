"""Reminders: who is due one as of now, claimed once, sent as one digest per person.

A reminder goes at ``settings.reminder_hour`` local time on the day ``offset`` calendar
days before the internal deadline, moved back to the working day before when that day
is a weekend, a public holiday or an eve. It is due from that moment until the
internal deadline, to everyone invited who has not submitted (a draft is not an
answer), whose invitation is still theirs and who is still active.

Each (invitation, offset, deadline version) is claimed by inserting a
``ReminderClaim`` row in the transaction that queues the email; the unique key
decides between concurrent sweeps, so nothing is sent twice. Extending a deadline
bumps its version, so the offsets count again against the new date.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, column, exists, insert, select, update, values
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import Invitation, Person, ReminderClaim, Round, UTCDateTime
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, RoundStatus
from remiss.core.swedish import date_sv, number_sv
from remiss.core.workdays import local_moment, on_or_before_working_day
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.rounds.invitations import issue_token, link

# No run of days off in Sweden is this long, so a round whose deadline lies further
# ahead than the largest offset plus this cannot have a reminder due yet.
_LONGEST_BREAK = timedelta(days=14)
# Rows per claim statement: well under SQLite's limit on bound parameters.
_CLAIM_CHUNK = 500


def reminder_at(deadline: date, offset: int, settings: Settings) -> datetime:
    """The instant (UTC) the reminder ``offset`` days before ``deadline`` falls due."""
    day = on_or_before_working_day(deadline - timedelta(days=offset))
    # Built from the local date and hour, so 08:00 stays 08:00 across a DST change.
    return local_moment(day, settings.reminder_hour, settings.tz).astimezone(UTC)


def due_offsets(deadline: date, settings: Settings, moment: datetime) -> list[tuple[int, datetime]]:
    """The offsets whose reminder moment has come, with that moment."""
    due = []
    for offset in settings.reminder_days:
        at = reminder_at(deadline, offset, settings)
        if at <= moment:
            due.append((offset, at))
    return due


@dataclass(frozen=True, order=True)
class DueReminder:
    """One invitation's reminder at one offset, not yet claimed."""

    invitation_id: int
    offset_days: int
    deadline_version: int
    person_id: int


def due_reminders(session: Session, settings: Settings) -> list[DueReminder]:
    """Every (invitation, offset) due as of now and not yet claimed.

    Found in SQL so that a sweep costs what is due, not what is stored: first the
    few open rounds near their deadline, whose due offsets are worked out here
    (working days and DST are calendar rules, not SQL); then, in one query, their
    unanswered invitations that lack a claim for a due offset. Answered and already
    reminded invitations never reach Python.
    """
    moment = now()
    today = moment.astimezone(settings.tz).date()
    if not settings.reminder_days:
        return []
    horizon = today + timedelta(days=max(settings.reminder_days)) + _LONGEST_BREAK
    rounds = session.execute(
        select(
            Round.id, Round.internal_deadline, Round.deadline_version, Round.deadline_changed_at
        ).where(
            Round.status == RoundStatus.OPEN,
            Round.internal_deadline_at > moment,
            Round.internal_deadline <= horizon,
        )
    ).all()
    # A reminder moment that had passed when the deadline moved is not due again:
    # the extension notice just told everyone.
    # Rounds share deadlines (a remiss period has one): work each deadline's offsets out once.
    offsets = {deadline: due_offsets(deadline, settings, moment) for _, deadline, _, _ in rounds}
    rows = [
        (round_id, offset, version, at)
        for round_id, deadline, version, changed in rounds
        for offset, at in offsets[deadline]
        if changed is None or at > changed
    ]
    if not rows:
        return []
    due = (
        values(
            column("round_id", Integer),
            column("offset_days", Integer),
            column("deadline_version", Integer),
            column("due_at", UTCDateTime()),
            name="due",
        )
        .data(rows)
        .cte("due")
    )
    claimed = exists().where(
        ReminderClaim.invitation_id == Invitation.id,
        ReminderClaim.offset_days == due.c.offset_days,
        ReminderClaim.deadline_version == due.c.deadline_version,
    )
    query = (
        select(Invitation.id, due.c.offset_days, due.c.deadline_version, Invitation.person_id)
        .join(due, due.c.round_id == Invitation.round_id)
        .join(Round, Round.id == Invitation.round_id)
        .join(Person, Person.id == Invitation.person_id)
        .where(
            # Named outright, so that the planner reads only these rounds' invitations by
            # their index instead of joining every invitation to the VALUES list.
            Invitation.round_id.in_(sorted({row[0] for row in rows})),
            Round.status == RoundStatus.OPEN,
            Round.internal_deadline_at > moment,
            Round.deadline_version == due.c.deadline_version,
            Invitation.status == InvitationStatus.ACTIVE,
            Invitation.submitted_at.is_(None),
            Person.active,
            # Someone invited after a reminder's moment was just told; that offset
            # is not theirs (a late round, a forwarded invitation).
            Invitation.created_at < due.c.due_at,
            ~claimed,
        )
    )
    return sorted(DueReminder(*row) for row in session.execute(query).all())


def claim(session: Session, due: Sequence[DueReminder]) -> list[tuple[DueReminder, int]]:
    """Insert a claim for each due reminder; return those this session won, with claim ids.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in a fixed order: a concurrent
    sweep that inserted a row first keeps it, and neither waits on the other in a
    different order (no deadlock on PostgreSQL).
    """
    moment = now()
    by_key = {(d.invitation_id, d.offset_days, d.deadline_version): d for d in due}
    won: list[tuple[DueReminder, int]] = []
    ordered = sorted(by_key)
    for start in range(0, len(ordered), _CLAIM_CHUNK):
        chunk = ordered[start : start + _CLAIM_CHUNK]
        rows = [
            {
                "invitation_id": invitation_id,
                "offset_days": offset,
                "deadline_version": version,
                # Replaced by the digest's key once it is known (see queue_reminders).
                "message_key": "",
                "created_at": moment,
            }
            for invitation_id, offset, version in chunk
        ]
        result = session.execute(
            _insert_ignoring_conflicts(session, rows).returning(
                ReminderClaim.id,
                ReminderClaim.invitation_id,
                ReminderClaim.offset_days,
                ReminderClaim.deadline_version,
            )
        )
        for claim_id, invitation_id, offset, version in result.all():
            won.append((by_key[(invitation_id, offset, version)], claim_id))
    return won


def _insert_ignoring_conflicts(session: Session, rows: list[dict[str, Any]]) -> Any:
    keys = ["invitation_id", "offset_days", "deadline_version"]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(ReminderClaim).values(rows).on_conflict_do_nothing(index_elements=keys)
    if dialect == "sqlite":
        return sqlite_insert(ReminderClaim).values(rows).on_conflict_do_nothing(index_elements=keys)
    return insert(ReminderClaim).values(rows)  # pragma: no cover - the unique key still guards


@dataclass
class ReminderReport:
    """What one sweep queued: reminders (one per invitation) in digests (one per person)."""

    reminders: int = 0
    digests: int = 0
    people: list[int] = field(default_factory=list)


def queue_reminders(session: Session, settings: Settings) -> ReminderReport:
    """Claim every due reminder and queue one digest email per person, in this transaction."""
    won = claim(session, due_reminders(session, settings))
    report = ReminderReport()
    if not won:
        return report
    claims_by_person: dict[int, list[tuple[DueReminder, int]]] = defaultdict(list)
    for reminder, claim_id in won:
        claims_by_person[reminder.person_id].append((reminder, claim_id))
    invitation_ids = {reminder.invitation_id for reminder, _ in won}
    loaded = session.execute(
        select(Invitation, Round, Person)
        .join(Round, Round.id == Invitation.round_id)
        .join(Person, Person.id == Invitation.person_id)
        .where(Invitation.id.in_(invitation_ids))
    ).all()
    by_invitation = {inv.id: (inv, round_, person) for inv, round_, person in loaded}
    org = organisation(session)
    today = now().astimezone(settings.tz).date()
    keys: list[dict[str, Any]] = []
    for person_id in sorted(claims_by_person):
        claims = claims_by_person[person_id]
        # Several offsets of one invitation due at once (a late sweep) make one entry.
        invitations = sorted(
            (by_invitation[i] for i in {r.invitation_id for r, _ in claims}),
            key=lambda row: (row[1].internal_deadline, row[1].id),
        )
        person = invitations[0][2]
        key = digest_key(person_id, (r for r, _ in claims))
        _queue_digest(session, settings, key, person, invitations, org, today)
        keys.extend({"id": claim_id, "message_key": key} for _, claim_id in claims)
        report.reminders += len(invitations)
        report.digests += 1
        report.people.append(person_id)
    # Bulk update by primary key: one executemany for the whole sweep.
    session.execute(update(ReminderClaim), keys)
    return report


def digest_key(person_id: int, claims: Iterable[DueReminder]) -> str:
    """The outbox key of a digest: the person and exactly the claims it answers for."""
    parts = sorted(f"{c.invitation_id}:{c.offset_days}:{c.deadline_version}" for c in claims)
    digest = hashlib.sha256(",".join(parts).encode()).hexdigest()[:24]
    return f"reminder:{person_id}:{digest}"


def _when(deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days <= 0:
        return "i dag"
    if days == 1:
        return "i morgon"
    return f"om {number_sv(days)} dagar"


def _queue_digest(
    session: Session,
    settings: Settings,
    key: str,
    person: Person,
    invitations: list[tuple[Invitation, Round, Person]],
    org: Any,
    today: date,
) -> None:
    items = [
        catalogue.DigestItem(
            round=round_,
            invitation_id=invitation.id,
            link=link(settings, issue_token(session, invitation.id, "reminder")),
            internal_deadline=date_sv(round_.internal_deadline),
            when=_when(round_.internal_deadline, today),
            has_draft=invitation.draft_saved_at is not None,
        )
        for invitation, round_, _ in invitations
    ]
    email = catalogue.reminder_digest(person=person, org=org, items=items)
    single = items[0] if len(items) == 1 else None
    outbox.queue(
        session,
        settings,
        key=key,
        email=email,
        round_id=single.round.id if single else None,
        invitation_id=single.invitation_id if single else None,
    )
