"""The emails to the people asked (and told): invitations, reminders, receipts, links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from remiss.core.addresses import Addressee
from remiss.core.models import Group, Organisation, Person, Round
from remiss.core.swedish import date_sv, number_sv
from remiss.mail.catalogue._base import Email, compose, until
from remiss.mail.rendering import Attachment


@dataclass(frozen=True)
class DigestItem:
    """One round in a reminder digest, with a fresh personal link."""

    round: Round
    invitation_id: int
    link: str
    internal_deadline: str
    when: str  # "i dag", "i morgon", "om tre dagar"
    has_draft: bool


@dataclass(frozen=True)
class BatchItem:
    """One round of several opened together: the groups it asks (or tells) the person through,
    and their own link to it (none for the informed, who do not answer)."""

    round: Round
    groups: tuple[Group, ...]
    link: str | None = None


def invitation(
    *,
    round_: Round,
    person: Person,
    org: Organisation,
    groups: Sequence[Group],
    link: str,
    calendar: Attachment,
    forwarded_by: Person | None = None,
) -> Email:
    """The invitation to answer a round, with the deadline as a calendar entry."""
    return until(
        round_.internal_deadline_at,
        compose(
            "invitation",
            person.email,
            person.name,
            round_.coordinator,
            (calendar,),
            round=round_,
            person=person,
            groups=list(groups),
            lead=round_.lead_group,
            link=link,
            org=org,
            internal_deadline=date_sv(round_.internal_deadline),
            national_deadline=date_sv(round_.national_deadline),
            forwarded_by=forwarded_by,
        ),
    )


def invitation_batch(
    *,
    person: Person | Addressee,
    org: Organisation,
    items: Sequence[BatchItem],
    calendar: Attachment,
) -> Email:
    """One invitation to several rounds opened together: each round with its own link and
    deadline, nearest deadline first; the deadlines as calendar entries."""
    return _batch("invitation_batch", person, org, items, (calendar,))


def information_batch(
    *, person: Person | Addressee, org: Organisation, items: Sequence[BatchItem]
) -> Email:
    """For an informed group's member: several rounds opened together, for their knowledge."""
    return _batch("information_batch", person, org, items, ())


def deadline_extended(
    *,
    round_: Round,
    person: Person,
    org: Organisation,
    previous: str,
    link: str,
    has_draft: bool,
    calendar: Attachment,
    earlier: bool = False,
) -> Email:
    """The internal deadline moved (later, or ``earlier``): the new date, the calendar, the link."""
    return until(
        round_.internal_deadline_at,
        compose(
            "deadline_extended",
            person.email,
            person.name,
            round_.coordinator,
            (calendar,),
            round=round_,
            person=person,
            org=org,
            previous_deadline=previous,
            internal_deadline=date_sv(round_.internal_deadline),
            has_draft=has_draft,
            link=link,
            earlier=earlier,
        ),
    )


def reminder_digest(*, person: Person, org: Organisation, items: Sequence[DigestItem]) -> Email:
    """One reminder for every round the person still owes an answer, nearest deadline first."""
    coordinators = {item.round.coordinator for item in items}
    others = len(items) - 1
    last = max(item.round.internal_deadline_at for item in items)
    return until(
        last,
        compose(
            "reminder",
            person.email,
            person.name,
            coordinators.pop() if len(coordinators) == 1 else None,
            (),
            person=person,
            items=list(items),
            others=others,
            others_sv=number_sv(others),
            count_sv=number_sv(len(items)),
            org=org,
        ),
    )


def reminder_now(
    *, round_: Round, person: Person, org: Organisation, link: str, has_draft: bool
) -> Email:
    """The coordinator's "remind now": one round, a fresh link."""
    return until(
        round_.internal_deadline_at,
        compose(
            "reminder_now",
            person.email,
            person.name,
            round_.coordinator,
            (),
            round=round_,
            person=person,
            org=org,
            has_draft=has_draft,
            internal_deadline=date_sv(round_.internal_deadline),
            link=link,
        ),
    )


def late_answer(
    *, round_: Round, person: Person, org: Organisation, link: str, has_draft: bool
) -> Email:
    """The coordinator let this person answer after the internal deadline: their link."""
    return compose(
        "late_answer",
        person.email,
        person.name,
        round_.coordinator,
        (),
        round=round_,
        person=person,
        org=org,
        link=link,
        has_draft=has_draft,
        internal_deadline=date_sv(round_.internal_deadline),
        national_deadline=date_sv(round_.national_deadline),
    )


def forwarded(
    *, round_: Round, person: Person, org: Organisation, colleague: Person, moved_draft: bool
) -> Email:
    """To the one who forwarded: who answers now, and that their own link no longer does."""
    return compose(
        "forwarded",
        person.email,
        person.name,
        round_.coordinator,
        (),
        round=round_,
        person=person,
        org=org,
        colleague=colleague,
        moved_draft=moved_draft,
        internal_deadline=date_sv(round_.internal_deadline),
    )


class Answered(Protocol):
    """What a receipt says of the round answered (a ``Round``, or the page's reading)."""

    @property
    def title(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def coordinator(self) -> str: ...
    @property
    def internal_deadline(self) -> date: ...


def receipt(
    *,
    round_: Answered,
    person: Person | Addressee,
    org: Organisation,
    answers: Sequence[tuple[str, str]],
    submitted_at: str,
    version: int,
    link: str,
) -> Email:
    """The reviewer's receipt, with a copy of what they submitted."""
    return compose(
        "receipt",
        person.email,
        person.name,
        round_.coordinator,
        (),
        round=round_,
        person=person,
        org=org,
        answers=list(answers),
        submitted_at=submitted_at,
        internal_deadline=date_sv(round_.internal_deadline),
        version=version,
        link=link,
    )


def information(
    *, round_: Round, person: Person | Addressee, org: Organisation, groups: Sequence[Group]
) -> Email:
    """For an informed group's member (a kunskapsråd): the round, for their knowledge only."""
    return until(
        round_.internal_deadline_at,
        compose(
            "information",
            person.email,
            person.name,
            round_.coordinator,
            (),
            round=round_,
            person=person,
            org=org,
            groups=list(groups),
            lead=round_.lead_group,
            internal_deadline=date_sv(round_.internal_deadline),
            national_deadline=date_sv(round_.national_deadline),
        ),
    )


def _batch(
    kind: str,
    person: Addressee | Person,
    org: Organisation,
    items: Sequence[BatchItem],
    attachments: tuple[Attachment, ...],
) -> Email:
    """Several rounds in one email, nearest deadline first, named by the period they share."""
    ordered = sorted(items, key=lambda item: (item.round.internal_deadline, item.round.id))
    coordinators = sorted({item.round.coordinator for item in ordered})
    periods = {item.round.batch for item in ordered}
    deadlines = sorted({item.round.internal_deadline for item in ordered})
    reply_to = coordinators[0] if len(coordinators) == 1 else None
    context = {
        "person": person,
        "org": org,
        "items": ordered,
        "coordinators": coordinators,
        "period": _period(periods.pop() if len(periods) == 1 else None),
        "deadlines": [date_sv(day) for day in deadlines],
    }
    email = compose(kind, person.email, person.name, reply_to, attachments, **context)
    return until(max(item.round.internal_deadline_at for item in ordered), email)


def _period(label: str | None) -> str:
    """How the rounds' common period reads after "remisser" ("i remissperioden …")."""
    head, _, rest = (label or "").partition(" ")
    if head.lower() == "remissperiod" and rest:
        return f" i remissperioden {rest}"
    return f" ({label})" if label else ""
