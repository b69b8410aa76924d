"""The one service every way in feeds: one message that came in, handled once.

Each message is recorded in ``inbound_mail`` under its fingerprint (its Message-ID), so the
same mail read twice (through the listener and the mailbox, or a mailbox read again) is
handled once, and every message that changed nothing is logged there with why. A reply
that became no draft gets one answer saying why, to its sender, where that helps: never to
a machine (an auto-reply, a notification, our own addresses), and for an address that is
not ours to answer only to someone in the directory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.models import InboundMail, Organisation, Person
from remiss.core.settings import Settings
from remiss.directory.sync import organisation
from remiss.inbound import replies as reply_service
from remiss.inbound import returns
from remiss.inbound.reading import Received, read
from remiss.mail import outbox
from remiss.mail.catalogue.replies import reply_refused
from remiss.mail.replies import REPLY_PREFIX, RETURN_PREFIX, parse

log = logging.getLogger("remiss.inbound")


@dataclass(frozen=True)
class Handled:
    """What became of one message (``InboundMail.outcome``), and whether it was answered."""

    outcome: str
    detail: str | None = None
    invitation_id: int | None = None
    answered: bool = False
    duplicate: bool = False


def handle(
    session: Session,
    settings: Settings,
    raw: bytes,
    *,
    via: str,
    size: int | None = None,
    envelope_from: str | None = None,
    envelope_to: tuple[str, ...] = (),
) -> Handled:
    """Handle one message in the caller's transaction (see the module)."""
    received = read(raw, size=size, envelope_from=envelope_from, envelope_to=envelope_to)
    ours = next(((a, p) for a in received.recipients if (p := parse(a)) is not None), None)
    row = InboundMail(
        fingerprint=received.fingerprint,
        received_at=now(),
        via=via,
        sender=received.sender[:320],
        recipient=(ours[0] if ours else "")[:320],
        subject=received.subject[:500],
        size=received.size,
        outcome="received",
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return Handled("duplicate", duplicate=True)
    handled = _dispatch(session, settings, received, ours[1] if ours else None, row)
    row.outcome, row.detail, row.invitation_id = (
        handled.outcome,
        handled.detail,
        handled.invitation_id,
    )
    session.flush()
    log.info(
        "inkommen e-post via %s från %s: %s%s",
        via,
        received.sender or "(ingen)",
        handled.outcome,
        f" ({handled.detail})" if handled.detail else "",
    )
    return handled


def _dispatch(
    session: Session,
    settings: Settings,
    received: Received,
    ours: tuple[str, str] | None,
    row: InboundMail,
) -> Handled:
    if received.report is not None:
        if ours is None or ours[0] != RETURN_PREFIX:
            return Handled("unknown", "leveransrapport till en adress som inte är en returadress")
        returned = returns.take(session, received, ours[1])
        row.message_id = returned.message_id
        first = returned.invitation_ids[0] if returned.invitation_ids else None
        return Handled(returned.outcome, returned.detail, first)
    if received.automatic is not None:
        return Handled("auto-reply", received.automatic)
    if ours is None or ours[0] != REPLY_PREFIX:
        known = _in_directory(session, received.sender)
        reason = reply_service.UNKNOWN
        answered = known and _answer(session, settings, received, reason, None)
        return Handled("unknown", "ingen svarsadress", answered=answered)
    taken = reply_service.take(session, settings, received, ours[1])
    if taken.reason is None:
        return Handled(taken.outcome, None, taken.invitation_id)
    helps = taken.outcome != "unknown" or _in_directory(session, received.sender)
    answered = helps and _answer(session, settings, received, taken.reason, taken.coordinator)
    return Handled(taken.outcome, taken.reason, taken.invitation_id, answered=answered)


def _in_directory(session: Session, address: str) -> bool:
    if not address:
        return False
    return (
        session.scalar(
            select(Person.id).where(func.lower(Person.email) == address, Person.active).limit(1)
        )
        is not None
    )


def _answer(
    session: Session, settings: Settings, received: Received, reason: str, coordinator: str | None
) -> bool:
    """One answer to the sender saying why, unless the sender is us or nobody."""
    sender = received.sender
    domain = sender.rpartition("@")[2]
    if (
        not sender
        or "@" not in sender
        or sender == settings.mail_from.lower()
        or (settings.inbound_domain and domain == settings.inbound_domain)
    ):
        return False
    org: Organisation = organisation(session)
    email = reply_refused(
        to=sender,
        org=org,
        subject=received.subject or "(utan ämne)",
        reason=reason,
        coordinator=coordinator,
    )
    return outbox.queue(
        session, settings, key=f"reply-refused:{received.fingerprint[:32]}", email=email
    )
