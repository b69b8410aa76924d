"""Reminders: the due set (``due_set``) claimed once, sent as one digest per person.

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
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import Invitation, Person, ReminderClaim, Round
from remiss.core.settings import Settings
from remiss.core.swedish import date_sv, number_sv
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox, replies
from remiss.rounds.due_set import DueReminder, due_reminders
from remiss.rounds.invitations import issue_token, link

# Rows per claim statement: well under SQLite's limit on bound parameters.
_CLAIM_CHUNK = 500


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
    tokens = [issue_token(session, invitation.id, "reminder") for invitation, _, _ in invitations]
    items = [
        catalogue.DigestItem(
            round=round_,
            invitation_id=invitation.id,
            link=link(settings, token),
            internal_deadline=date_sv(round_.internal_deadline),
            when=_when(round_.internal_deadline, today),
            has_draft=invitation.draft_saved_at is not None,
        )
        for (invitation, round_, _), token in zip(invitations, tokens, strict=True)
    ]
    email = catalogue.reminder_digest(person=person, org=org, items=items)
    single = items[0] if len(items) == 1 else None
    if single is not None:
        # A reply can say which round it answers only when the reminder names one.
        email = replies.answerable(email, settings, tokens[0])
    outbox.queue(
        session,
        settings,
        key=key,
        email=email,
        round_id=single.round.id if single else None,
        invitation_id=single.invitation_id if single else None,
    )
