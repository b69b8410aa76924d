"""Launching rounds: opening them in batches, each committed with its invitations' mail.

The whole file is checked and its rounds written first (``opening.prepare``), so a
bad round still changes nothing. Then the invitations follow person by person, in
batches of a few hundred, each committed on its own: a person's invitations to every
round of the file and their one email go in the same batch (``batching``). A worker
delivers what each committed batch queued while the next is written (a standing one,
or one beside the command: ``Runtime.delivering``): the first invitation leaves as soon
as the first batch is in, whatever the size of the rounds; what is held in memory is one
batch and the people routed, not the rounds' mail. A run cut short is resumed by running
it again (or by ``usecases.opening.finish_openings``): no round is created twice, only the
people not yet invited are, and the outbox's keys and claims send no message twice. Two
finishing the same opening at once invite nobody twice: the invitations' unique key
refuses the second one's batch, which is issued again without those already invited, and
the opening is recorded as finished once.

Like ``mail.delivery``, this takes a session factory and owns its transactions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.models import Invitation
from remiss.core.settings import Settings
from remiss.rounds import batching, issuing, resuming
from remiss.rounds.batching import BATCH
from remiss.rounds.issuing import Asked, Issued, Mails
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
    finished = invite(factory, settings, inviting, actor, batch=batch)
    return [finished[o.round.id] if o.inviting else o.result for o in openings]


def invite(
    factory: sessionmaker[Session],
    settings: Settings,
    openings: list[Opening],
    actor: str,
    *,
    batch: int = BATCH,
) -> dict[int, OpenedRound]:
    """Invite the people of ``openings`` a batch at a time, then finish the openings that
    nobody else has finished meanwhile."""
    if not openings:
        return {}
    with factory() as session:
        mails = Mails(session, settings, [o.round for o in openings])
    invited: Counter[int] = Counter()
    people = batching.gather([(o.round, o.invitees) for o in openings])
    # The first batch is small: its mail leaves while the next one is written.
    for part in batching.slices(people, batch, first=min(FIRST, batch)):
        invited.update(_issue(factory, mails, part).invitations)
    with factory.begin() as session:
        unfinished = resuming.still_cut_short(session, [o.round.id for o in openings])
        mine = [o for o in openings if o.round.id in unfinished]
        results, _told = finish(session, settings, mine, actor, invited) if mine else ([], 0)
    done = {result.round_id: result for result in results}
    # Finished by another meanwhile: what this one invited is all it has to say.
    for o in openings:
        done.setdefault(o.round.id, replace(o.result, invitations=invited[o.round.id]))
    return done


def _issue(factory: sessionmaker[Session], mails: Mails, part: Sequence[Asked]) -> Issued:
    """Issue one batch in a transaction of its own. Refused by the invitations' unique key
    (another finishing the same opening invited some of them meanwhile), it is issued again
    without those; refused with nobody more invited, it was refused for another reason."""
    while True:
        try:
            with factory.begin() as session:
                return issuing.issue(session, mails, part)
        except IntegrityError:
            with factory.begin() as session:
                left = _not_invited(session, part)
            if _size(left) == _size(part):
                raise
            part = left


def _not_invited(session: Session, part: Sequence[Asked]) -> list[Asked]:
    """``part`` without the invitations that exist now."""
    pairs = [(round_id, a.person.id) for a in part for round_id, _groups in a.rounds]
    taken = set(
        session.execute(
            select(Invitation.round_id, Invitation.person_id).where(
                tuple_(Invitation.round_id, Invitation.person_id).in_(pairs)
            )
        ).tuples()
    )
    left = [
        Asked(a.person, [(r, g) for r, g in a.rounds if (r, a.person.id) not in taken])
        for a in part
    ]
    return [a for a in left if a.rounds]


def _size(part: Sequence[Asked]) -> int:
    return sum(len(a.rounds) for a in part)
