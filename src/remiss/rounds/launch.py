"""Launching rounds: opening them in batches, each committed with its invitations' mail.

The whole file is checked and its rounds written first (``opening.prepare``), so a
bad round still changes nothing. Then the invitations follow person by person, in
batches of a few hundred, each committed on its own: a person's invitations to every
round of the file and their one email go in the same batch (``batching``). A worker
delivers what each committed batch queued while the next is written (a standing one,
or one beside the command: ``Runtime.delivering``): the first invitation leaves as soon
as the first batch is in, whatever the size of the rounds; what is held in memory is one
batch and the people routed, not the rounds' mail. A run cut short is resumed by running
it again: no round is created twice, only the people not yet invited are, and the
outbox's keys and claims send no message twice.

Like ``mail.delivery``, this takes a session factory and owns its transactions.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.rounds import batching, issuing
from remiss.rounds.batching import BATCH
from remiss.rounds.issuing import Mails
from remiss.rounds.opening import OpenedRound, Opening, finish, prepare
from remiss.rounds.spec import ParsedRound

# The first batch: a few, so that the first invitations are out at once.
FIRST = 20


def launch(
    factory: sessionmaker[Session],
    settings: Settings,
    parsed: list[ParsedRound],
    actor: str = "system",
    *,
    triage: bool = False,
    batch: int = BATCH,
) -> list[OpenedRound]:
    """Open (or, with ``triage``, register) the rounds in ``parsed``, a batch at a time."""
    with factory.begin() as session:
        openings = prepare(session, settings, parsed, actor, triage=triage, resumable=True)
    inviting = [o for o in openings if o.inviting]
    finished = _invite(factory, settings, inviting, actor, batch)
    return [finished[o.round.id] if o.inviting else o.result for o in openings]


def _invite(
    factory: sessionmaker[Session],
    settings: Settings,
    openings: list[Opening],
    actor: str,
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
        with factory.begin() as session:
            issued = issuing.issue(session, mails, part)
        invited.update(issued.invitations)
    with factory.begin() as session:
        results, _told = finish(session, settings, openings, actor, invited)
    return {result.round_id: result for result in results}
