"""Återkoppling: once the yttrande is sent, everyone asked and every informed member hears it.

Each gets one email, the sent PDF attached (the very bytes that went to the recipient), and
a respondent also what became of each of their comments that the drafter weighed (Med,
Omformulerad, Ej med and why). Queued in the sending's transaction, one key per person
and round (``told.key``): sending again sends none of them anew.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import Message, Round, SentYttrande
from remiss.core.settings import Settings
from remiss.core.swedish import date_sv
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.mail.rendering import Attachment
from remiss.rounds import told
from remiss.yttrande import dispositions

SENT = "sent"


def tell_sent(session: Session, settings: Settings, round_: Round, kept: SentYttrande) -> int:
    """Queue the outcome to everyone not told yet; return how many emails were queued."""
    assert round_.sent_at is not None
    prefix = told.prefix(round_.id, SENT)
    # Only to spare rendering a message whose key is taken: the key is what keeps it once.
    already = set(
        session.scalars(
            select(Message.idempotency_key).where(
                Message.round_id == round_.id, Message.idempotency_key.startswith(prefix)
            )
        )
    )
    people = [
        p
        for p in told.everyone(session, round_)
        if told.key(round_.id, SENT, p.person_id) not in already
    ]
    if not people:
        return 0
    org = organisation(session)
    pdf = Attachment(kept.pdf_name, kept.pdf, "application", "pdf")
    sent_on = f"den {date_sv(round_.sent_at.astimezone(settings.tz).date())}"
    weighed = dispositions.of(session, round_.id)
    queued = 0
    for person in people:
        fates = [
            catalogue.Fate(c.question, c.short, c.outcome, c.reason)
            for c in weighed.get(person.invitation_id or 0, [])
        ]
        email = catalogue.outcome_sent(
            round_=round_,
            org=org,
            name=person.name,
            to=person.email,
            sent_on=sent_on,
            pdf=pdf,
            fates=fates,
            informed=person.informed,
        )
        queued += outbox.queue(
            session,
            settings,
            key=told.key(round_.id, SENT, person.person_id),
            email=email,
            round_id=round_.id,
            invitation_id=person.invitation_id,
        )
    return queued
