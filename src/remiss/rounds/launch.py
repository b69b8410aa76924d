"""Launching rounds: opening them in batches while the invitations committed are sent.

The whole file is checked and its rounds written first (``opening.prepare``), so a
bad round still changes nothing. Then the invitations follow person by person, in
batches of a few hundred, each committed on its own: a person's invitations to every
round of the file and their one email go in the same batch (``batching``). Meanwhile a
deliverer in a process of its own (``mail.courier``) sends what the committed batches
queued: the first invitation leaves as soon as the first batch is in, whatever the size
of the rounds; what is held in memory is one batch and the people routed, not the
rounds' mail. A run cut short is resumed by running it again: no round is created
twice, only the people not yet invited are, and the outbox's keys and claims send no
message twice. A courier whose launch died sends what was committed and stops.

Like ``mail.delivery``, this takes a session factory and owns its transactions.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.mail import courier
from remiss.mail.claims import DeliveryReport
from remiss.mail.courier import Delivering
from remiss.mail.feed import Feed
from remiss.mail.smtp import SmtpTarget
from remiss.rounds import batching, issuing
from remiss.rounds.batching import BATCH
from remiss.rounds.issuing import Mails
from remiss.rounds.opening import OpenedRound, Opening, finish, prepare
from remiss.rounds.spec import ParsedRound

# The first batch: a few, so that the first invitations are out at once.
FIRST = 20
# How many batches the opening may run ahead of what the deliverer has handled.
AHEAD = 5


@dataclass
class Launched:
    opened: list[OpenedRound]
    delivery: DeliveryReport

    def rounds(self) -> list[dict[str, Any]]:
        """What each round came to, as the open-round flow returns it."""
        return [
            {
                "round_id": o.round_id,
                "reference": o.reference,
                "title": o.title,
                "created": o.created,
                "resumed": o.resumed,
                "invitations": o.invitations,
                "informed": o.informed,
                "internal_deadline": o.internal_deadline.isoformat(),
            }
            for o in self.opened
        ]


def launch(
    factory: sessionmaker[Session],
    settings: Settings,
    parsed: list[ParsedRound],
    target: SmtpTarget,
    actor: str = "system",
    *,
    triage: bool = False,
    batch: int = BATCH,
) -> Launched:
    """Open (or, with ``triage``, register) the rounds in ``parsed`` and deliver the outbox."""
    # Started first: the deliverer gets ready while the file is checked and written.
    delivering = courier.start(
        factory, target, settings.mail_from, settings.smtp_connections, Feed(ahead=AHEAD * batch)
    )
    try:
        with factory.begin() as session:
            openings = prepare(session, settings, parsed, actor, triage=triage, resumable=True)
        inviting = [o for o in openings if o.inviting]
        finished = _invite(factory, settings, inviting, actor, delivering, batch)
    except BaseException:
        # The deliverer still sends what was committed, then stops; the failure is told.
        delivering.close()
        with suppress(Exception):
            delivering.result()
        raise
    delivering.close()
    opened = [finished[o.round.id] if o.inviting else o.result for o in openings]
    return Launched(opened, delivering.result())


def _invite(
    factory: sessionmaker[Session],
    settings: Settings,
    openings: list[Opening],
    actor: str,
    delivering: Delivering,
    batch: int,
) -> dict[int, OpenedRound]:
    """Invite the people of ``openings`` a batch at a time, then finish the openings."""
    if not openings:
        return {}
    with factory() as session:
        mails = Mails(session, settings, [o.round for o in openings])
    invited: Counter[int] = Counter()
    people = batching.gather([(o.round, o.invitees) for o in openings])
    # The first batch is small: its mail leaves while the next one is written.
    for part in batching.slices(people, batch, first=min(FIRST, batch)):
        delivering.wait_for_room()
        with factory.begin() as session:
            issued = issuing.issue(session, mails, part)
        invited.update(issued.invitations)
        delivering.committed(issued.messages)
    with factory.begin() as session:
        results, told = finish(session, settings, openings, actor, invited)
    delivering.committed(told)
    return {result.round_id: result for result in results}
