"""Every email remiss sends, one function each: what it needs, and the message it makes.

A function takes typed arguments, renders ``templates/emails/{kind}.{subject,txt,html}.j2``
and returns an ``Email``: the message and its kind, ready for ``outbox.queue``. Reading
this module tells what each email needs; ``tests/test_email_catalogue.py`` renders every
one, so a template asking for something its function does not give fails in a test.

Adding a kind: write its three templates and one function here that calls ``_email``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from remiss.core.addresses import Addressee
from remiss.core.models import Group, Organisation, Person, Round, YttrandeVersion
from remiss.core.swedish import date_sv, number_sv
from remiss.mail.rendering import Attachment, OutgoingEmail, render


@dataclass(frozen=True)
class Email:
    """A rendered message and what kind of email it is (kept with it in the outbox)."""

    kind: str
    message: OutgoingEmail
    # After this the message is no use (its link leads into a closed round): an
    # unreachable server may delay it until then, not longer.
    expires_at: datetime | None = None


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
    *, round_: Round, person: Person, org: Organisation, groups: Sequence[Group], link: str,
    calendar: Attachment, forwarded_by: Person | None = None,
) -> Email:  # fmt: skip
    """The invitation to answer a round, with the deadline as a calendar entry."""
    return _until(round_.internal_deadline_at, _email(
        "invitation", person.email, person.name, round_.coordinator, (calendar,),
        round=round_, person=person, groups=list(groups), lead=round_.lead_group, link=link,
        org=org, internal_deadline=date_sv(round_.internal_deadline),
        national_deadline=date_sv(round_.national_deadline), forwarded_by=forwarded_by,
    ))  # fmt: skip


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
    *, round_: Round, person: Person, org: Organisation, previous: str, link: str,
    has_draft: bool, calendar: Attachment, earlier: bool = False,
) -> Email:  # fmt: skip
    """The internal deadline moved (later, or ``earlier``): the new date, the calendar, the link."""
    return _until(round_.internal_deadline_at, _email(
        "deadline_extended", person.email, person.name, round_.coordinator, (calendar,),
        round=round_, person=person, org=org, previous_deadline=previous,
        internal_deadline=date_sv(round_.internal_deadline), has_draft=has_draft, link=link,
        earlier=earlier,
    ))  # fmt: skip


def reminder_digest(*, person: Person, org: Organisation, items: Sequence[DigestItem]) -> Email:
    """One reminder for every round the person still owes an answer, nearest deadline first."""
    coordinators = {item.round.coordinator for item in items}
    others = len(items) - 1
    last = max(item.round.internal_deadline_at for item in items)
    return _until(last, _email(
        "reminder", person.email, person.name,
        coordinators.pop() if len(coordinators) == 1 else None, (),
        person=person, items=list(items), others=others, others_sv=number_sv(others),
        count_sv=number_sv(len(items)), org=org,
    ))  # fmt: skip


def reminder_now(
    *, round_: Round, person: Person, org: Organisation, link: str, has_draft: bool
) -> Email:
    """The coordinator's "remind now": one round, a fresh link."""
    return _until(round_.internal_deadline_at, _email(
        "reminder_now", person.email, person.name, round_.coordinator, (),
        round=round_, person=person, org=org, has_draft=has_draft,
        internal_deadline=date_sv(round_.internal_deadline), link=link,
    ))  # fmt: skip


def late_answer(
    *, round_: Round, person: Person, org: Organisation, link: str, has_draft: bool
) -> Email:
    """The coordinator let this person answer after the internal deadline: their link."""
    return _email(
        "late_answer", person.email, person.name, round_.coordinator, (),
        round=round_, person=person, org=org, link=link, has_draft=has_draft,
        internal_deadline=date_sv(round_.internal_deadline),
        national_deadline=date_sv(round_.national_deadline),
    )  # fmt: skip


def forwarded(
    *, round_: Round, person: Person, org: Organisation, colleague: Person, moved_draft: bool
) -> Email:
    """To the one who forwarded: who answers now, and that their own link no longer does."""
    return _email(
        "forwarded", person.email, person.name, round_.coordinator, (),
        round=round_, person=person, org=org, colleague=colleague, moved_draft=moved_draft,
        internal_deadline=date_sv(round_.internal_deadline),
    )  # fmt: skip


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
    *, round_: Answered, person: Person | Addressee, org: Organisation,
    answers: Sequence[tuple[str, str]], submitted_at: str, version: int, link: str,
) -> Email:  # fmt: skip
    """The reviewer's receipt, with a copy of what they submitted."""
    return _email(
        "receipt", person.email, person.name, round_.coordinator, (),
        round=round_, person=person, org=org, answers=list(answers), submitted_at=submitted_at,
        internal_deadline=date_sv(round_.internal_deadline), version=version, link=link,
    )  # fmt: skip


def yttrande_ready(
    *, round_: Round, org: Organisation, version: YttrandeVersion, answered: int, invited: int,
    round_link: str,
) -> Email:  # fmt: skip
    """The coordinator's notice that collecting ended: the sammanställning, who drafts."""
    return _email(
        "yttrande_ready", round_.coordinator, None, None, (),
        round=round_, org=org, version=version, answered=answered, invited=invited,
        round_link=round_link, docx_link=f"{round_link}/sammanstallning.docx",
        drafter=round_.drafter, lead=round_.lead_group,
        national_deadline=date_sv(round_.national_deadline),
    )  # fmt: skip


def information(
    *, round_: Round, person: Person | Addressee, org: Organisation, groups: Sequence[Group]
) -> Email:
    """For an informed group's member (a kunskapsråd): the round, for their knowledge only."""
    return _until(round_.internal_deadline_at, _email(
        "information", person.email, person.name, round_.coordinator, (),
        round=round_, person=person, org=org, groups=list(groups), lead=round_.lead_group,
        internal_deadline=date_sv(round_.internal_deadline),
        national_deadline=date_sv(round_.national_deadline),
    ))  # fmt: skip


def drafting(
    *, round_: Round, person: Person, org: Organisation, link: str, login_page: str,
    valid_for: str, answered: int, invited: int,
) -> Email:  # fmt: skip
    """To the lead's processtöd when collecting ends: draft the joint answer (a login link)."""
    return _email(
        "drafting", person.email, person.name, round_.coordinator, (),
        round=round_, person=person, org=org, lead=round_.lead_group, link=link,
        login_page=login_page, valid_for=valid_for, answered=answered, invited=invited,
        national_deadline=date_sv(round_.national_deadline),
    )  # fmt: skip


def handed_over(
    *, round_: Round, org: Organisation, author: str, number: int, handed_over: str,
    draft_link: str,
) -> Email:  # fmt: skip
    """To the coordinator: the lead has handed the draft over."""
    return _email(
        "handed_over", round_.coordinator, None, None, (),
        round=round_, org=org, author=author, number=number, handed_over=handed_over,
        draft_link=draft_link, national_deadline=date_sv(round_.national_deadline),
    )  # fmt: skip


@dataclass(frozen=True)
class Disagreement:
    """One position question on which groups or regions differ, and who holds what."""

    question: str
    sides: tuple[str, ...]  # "Tillstyrker: RPO Cancersjukdomar (Region Kalmar län)"


def disagreement(
    *, round_: Round, org: Organisation, to: str, items: Sequence[Disagreement]
) -> Email:
    """Meningsskiljaktighet: who holds which position (groups and regions, never persons)."""
    return _until(round_.internal_deadline_at, _email(
        "disagreement", to, None, round_.coordinator, (),
        round=round_, org=org, lead=round_.lead_group, items=list(items),
        internal_deadline=date_sv(round_.internal_deadline),
    ))  # fmt: skip


def closed_without_answers(
    *, to: str, org: Organisation, rounds: Sequence[Round], base_url: str
) -> Email:
    """One digest per sweep of the coordinator's rounds that closed with nobody answering."""
    return _email(
        "closed_without_answers", to, None, None, (),
        org=org, rounds=list(rounds), count_sv=number_sv(len(rounds)), base_url=base_url,
    )  # fmt: skip


def yttrande_sent(
    *, round_: Round, org: Organisation, to: str, attachments: Sequence[Attachment],
    reference: str, copy_of: str | None = None,
) -> Email:  # fmt: skip
    """The decided yttrande to the sender of the remiss (or the coordinator's copy), the
    subject beginning with ``reference``: the sender's dnr (for a ministry, with the
    organisation's name: ``letter.reference_line``)."""
    return _email(
        "yttrande_sent", to, None, round_.coordinator, tuple(attachments),
        round=round_, org=org, copy_of=copy_of, reference=reference,
    )  # fmt: skip


def per_region(*, round_: Round, org: Organisation, region: str, to: str) -> Email:
    """To a region's registrar: this remiss is answered per region, with its documents."""
    return _email(
        "per_region", to, None, round_.coordinator, (),
        round=round_, org=org, region=region, reason=round_.triage_reason,
        national_deadline=date_sv(round_.national_deadline),
    )  # fmt: skip


def not_answering(*, round_: Round, org: Organisation, to: str, regions: str) -> Email:
    """To the sender: the organisation does not answer this remiss jointly."""
    return _email(
        "not_answering", to, None, round_.coordinator, (), round=round_, org=org, regions=regions
    )


def decision_voided(
    *, round_: Round, org: Organisation, author: str, number: int, decided: int, link: str
) -> Email:
    """To the coordinator: a draft saved after the decision voided it."""
    return _email(
        "decision_voided", round_.coordinator, None, None, (),
        round=round_, org=org, author=author, number=number, decided=decided, link=link,
        national_deadline=date_sv(round_.national_deadline),
    )  # fmt: skip


def login(*, to: str, org: Organisation, link: str, minutes: int, sent_at: datetime) -> Email:
    """A coordinator's one-time login link, no use once it has run out."""
    return _until(
        sent_at + timedelta(minutes=minutes),
        _email("login", to, None, None, (), org=org, link=link, minutes=minutes),
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
    email = _email(kind, person.email, person.name, reply_to, attachments, **context)
    return _until(max(item.round.internal_deadline_at for item in ordered), email)


def _period(label: str | None) -> str:
    """How the rounds' common period reads after "remisser" ("i remissperioden …")."""
    head, _, rest = (label or "").partition(" ")
    if head.lower() == "remissperiod" and rest:
        return f" i remissperioden {rest}"
    return f" ({label})" if label else ""


def _until(moment: datetime, email: Email) -> Email:
    return replace(email, expires_at=moment)


def _email(
    kind: str, to: str, to_name: str | None, reply_to: str | None,
    attachments: tuple[Attachment, ...], **context: object,
) -> Email:  # fmt: skip
    subject, text, html = render(kind, **context)
    message = OutgoingEmail(
        to=to, to_name=to_name, subject=subject, text=text, html=html,
        attachments=attachments, reply_to=reply_to,
    )  # fmt: skip
    return Email(kind=kind, message=message)
