"""Launching rounds: opening them in batches while the invitations committed are sent.

The whole file is checked and its rounds written first (``opening.prepare``), so a
bad round still changes nothing. Then each round's invitations follow in batches of
a few hundred, each committed on its own, while a deliverer in a thread of its own
sends what the committed batches queued: the first invitation leaves as soon as the
first batch is in, whatever the size of the round, and what is held in memory is one
batch, not the round. A run cut short is resumed by running it again: the round is
not created twice, only the people not yet invited are, and the outbox's keys and
claims send no message twice.

Like ``mail.delivery``, this takes a session factory and owns its transactions.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.mail.claims import DeliveryReport
from remiss.mail.delivery import SmtpTarget, deliver_async
from remiss.mail.feed import Feed
from remiss.rounds import issuing
from remiss.rounds.issuing import InvitationMail
from remiss.rounds.opening import BATCH, OpenedRound, Opening, finish, prepare
from remiss.rounds.spec import ParsedRound

# How many batches the opening may run ahead of what the deliverer has handled.
AHEAD = 5


@dataclass
class Launched:
    opened: list[OpenedRound]
    delivery: DeliveryReport


def launch(
    factory: sessionmaker[Session], settings: Settings, parsed: list[ParsedRound],
    target: SmtpTarget, actor: str = "system", *, triage: bool = False, batch: int = BATCH,
) -> Launched:  # fmt: skip
    """Open (or, with ``triage``, register) the rounds in ``parsed`` and deliver the outbox."""
    with factory.begin() as session:
        openings = prepare(session, settings, parsed, actor, triage=triage, resumable=True)
    feed = Feed(ahead=AHEAD * batch)
    job = deliver_async(
        factory, target, settings.mail_from, connections=settings.smtp_connections, feed=feed
    )
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="deliver") as thread:
        delivering = thread.submit(asyncio.run, job)
        try:
            opened = [
                _invite(factory, settings, o, actor, feed, batch) if o.inviting else o.result
                for o in openings
            ]
        finally:
            # Also after a failure: the deliverer sends what was committed, then stops.
            feed.close()
        return Launched(opened, delivering.result())


def _invite(
    factory: sessionmaker[Session], settings: Settings, opening: Opening, actor: str,
    feed: Feed, batch: int,
) -> OpenedRound:  # fmt: skip
    with factory() as session:
        mail = InvitationMail(session, settings, opening.round)
    invited = 0
    invitees = opening.invitees
    for start in range(0, len(invitees), batch):
        feed.wait_for_room()
        with factory.begin() as session:
            issued = issuing.issue(session, mail, invitees[start : start + batch])
        invited += issued
        feed.committed(issued)
    with factory.begin() as session:
        result = finish(session, settings, opening, actor, invited)
    feed.committed(result.informed)
    return result
