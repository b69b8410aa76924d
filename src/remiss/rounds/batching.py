"""Rounds opened together, by person: each person asked once and told once for all of them.

A batch file's rounds are invited person by person, not round by round: a person's
invitations to every round of the batch, their tokens and their one email are written in
one transaction (a slice never splits a person). So a launch cut short and run again
finds each person invited to all their rounds or to none, and their email queued with
the invitations; the email's key names exactly those invitations, so nothing is sent
twice and nothing is lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from remiss.core.addresses import Addressee
from remiss.core.models import Group, Round
from remiss.core.settings import Settings
from remiss.directory.routing import Route
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.rounds import issuing
from remiss.rounds.batch_invitation import batch_key
from remiss.rounds.issuing import Asked, Invitee, Mails

# Invitations issued per statement, and per transaction when opening in batches.
BATCH = 200


def gather(rounds: Sequence[tuple[Round, Sequence[Invitee]]]) -> list[Asked]:
    """Each person routed to any of ``rounds``, with the rounds asking them (in file order)."""
    people: dict[int, Asked] = {}
    for round_, invitees in rounds:
        for person, groups in invitees:
            asked = people.get(person.id)
            if asked is None:
                asked = people[person.id] = Asked(person, [])
            asked.rounds.append((round_.id, groups))
    return list(people.values())


def slices(
    people: Sequence[Asked], size: int, first: int | None = None
) -> Iterator[Sequence[Asked]]:
    """``people`` in slices of about ``size`` invitations (the first of ``first``), never
    splitting one person's rounds: their invitations and their email go together."""
    start, step = 0, first or size
    while start < len(people):
        end, count = start, 0
        while end < len(people) and (count == 0 or count + len(people[end].rounds) <= step):
            count += len(people[end].rounds)
            end += 1
        yield people[start:end]
        start, step = end, size


def issue_all(
    session: Session, settings: Settings, rounds: Sequence[tuple[Round, Sequence[Invitee]]]
) -> Counter[int]:
    """Invite everyone in ``rounds`` in this transaction, one email per person (in statements
    of a few hundred invitations); return the invitations by round id."""
    mails = Mails(session, settings, [round_ for round_, _invitees in rounds])
    invited: Counter[int] = Counter()
    for part in slices(gather(rounds), BATCH):
        invited.update(issuing.issue(session, mails, part).invitations)
    return invited


@dataclass(frozen=True)
class Told:
    """Who was told of which rounds: people by round id, and the emails queued."""

    people: Counter[int]
    messages: int


def inform(session: Session, settings: Settings, routes: Sequence[tuple[Round, Route]]) -> Told:
    """Tell the informed groups' members of the rounds (not asked): one email each."""
    org = organisation(session)
    people: dict[int, tuple[Addressee, list[tuple[Round, list[Group]]]]] = {}
    for round_, route_ in routes:
        for person, memberships in route_.informed.values():
            told = people.setdefault(person.id, (person, []))[1]
            told.append((round_, [group for group, _role in memberships]))
    for person, told in people.values():
        if len(told) == 1:
            [(round_, groups)] = told
            email = catalogue.information(round_=round_, person=person, org=org, groups=groups)
            key = f"information:{round_.id}:{person.id}"
            outbox.queue(session, settings, key=key, email=email, round_id=round_.id)
            continue
        items = [catalogue.BatchItem(round_, tuple(groups)) for round_, groups in told]
        email = catalogue.information_batch(person=person, org=org, items=items)
        key = batch_key("information-batch", person.id, [round_.id for round_, _ in told])
        outbox.queue(session, settings, key=key, email=email)
    told_of = Counter(round_.id for _person, told in people.values() for round_, _ in told)
    return Told(told_of, len(people))
