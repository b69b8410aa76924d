"""The invitation to several rounds opened together: one email per person for all of them.

Each round is listed with the person's own link and its deadline; the deadlines travel as
one calendar file holding one entry per day. As for ``issuing.InvitationMail``, the email
is rendered once per combination of rounds and groups, with placeholders for the person's
name, links and calendar UIDs, and each person's copy is filled in: what a person receives
is exactly what ``catalogue.invitation_batch`` makes (``mail.frame`` builds the MIME).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from markupsafe import escape

from remiss.core.addresses import Addressee
from remiss.core.models import Group, Organisation, Round
from remiss.core.settings import Settings
from remiss.mail import catalogue, outbox
from remiss.mail.catalogue import BatchItem, Email
from remiss.mail.frame import framed
from remiss.mail.ics import Deadline, deadline_events
from remiss.mail.rendering import Attachment, mail_domain
from remiss.rounds.invitations import link

_NAME = "REMISSPERSONNAME"
# Closed by an X, so that round 1's placeholder is not the start of round 10's.
_LINK, _UID = "REMISSPERSONLINK{}X", "REMISSCALENDARUID{}X"
# A longer line would be folded differently from the placeholder's (RFC 5545: 75 octets).
_ICS_LINE = 75


@dataclass(frozen=True)
class Invited:
    """One invitation just issued: its round, the groups asking, its token (shown once), its id."""

    round_id: int
    groups: Sequence[Group]
    token: str
    invitation_id: int


def batch_key(kind: str, person_id: int, ids: Iterable[int]) -> str:
    """An outbox key for one email to a person standing for several rows (invitations, or
    rounds): the same rows make the same key, so a re-run queues nothing twice."""
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:24]
    return f"{kind}:{person_id}:{digest}"


def calendar_uid(settings: Settings, day: date, invitation_id: int) -> str:
    """A person's calendar entry for one deadline day, named by its first invitation; apart
    from each invitation's own entry (``invitations.calendar_uid``), which a moved deadline
    moves alone."""
    return f"remiss-deadline-{day:%Y%m%d}-invitation-{invitation_id}@{mail_domain(settings)}"


def deadlines_calendar(
    settings: Settings, rounds: Sequence[Round], uids: dict[date, str], stamp: datetime
) -> Attachment:
    """The rounds' internal deadlines, one calendar entry per day (its UID from ``uids``)."""
    by_day: dict[date, list[Round]] = defaultdict(list)
    for round_ in sorted(rounds, key=lambda r: (r.internal_deadline, r.id)):
        by_day[round_.internal_deadline].append(round_)
    entries = []
    for day, due in by_day.items():
        named = "; ".join(f"{r.title} ({r.reference})" for r in due)
        one = len(due) == 1
        summary = f"remiss: {due[0].title}" if one else f"{len(due)} remisser"
        entries.append(
            Deadline(
                uid=uids[day],
                sequence=0,
                day=day,
                summary=f"Sista dag att svara på {summary}",
                description=(
                    f"Intern svarsdag för {'remissen' if one else 'remisserna'} {named}. "
                    f"Svara via {'den personliga länken' if one else 'de personliga länkarna'} "
                    "i inbjudan."
                ),
            )
        )
    return Attachment(
        filename="svarsdagar.ics",
        content=deadline_events(entries, stamp=stamp, organizer=settings.mail_from),
        maintype="text",
        subtype="calendar",
        params={"method": "PUBLISH", "charset": "utf-8"},
    )


def _fits(uid: str) -> bool:
    """Whether ``uid`` fills its placeholder's line as it is (no folding, nothing escaped)."""
    return len(f"UID:{uid}".encode()) <= _ICS_LINE and not any(c in uid for c in ",;\\")


class BatchInvitationMail:
    """Invitations to several of ``rounds`` at once, each person's copy filled into what
    the people asked in the same rounds through the same groups share."""

    def __init__(
        self, settings: Settings, org: Organisation, rounds: Sequence[Round], stamp: datetime
    ) -> None:
        self.settings = settings
        self.org = org
        self.rounds = {round_.id: round_ for round_ in rounds}
        self.stamp = stamp
        # (round id, group ids) of each invitation → the email with the placeholders
        self.prototypes: dict[tuple[tuple[int, tuple[int, ...]], ...], Email] = {}

    def _prototype(self, invited: Sequence[Invited]) -> Email:
        key = tuple(sorted((i.round_id, tuple(g.id for g in i.groups)) for i in invited))
        if key not in self.prototypes:
            rounds = [self.rounds[i.round_id] for i in invited]
            uids = {
                r.internal_deadline: _UID.format(f"{r.internal_deadline:%Y%m%d}") for r in rounds
            }
            self.prototypes[key] = catalogue.invitation_batch(
                person=Addressee(0, _NAME, "stand-in@example.invalid"),
                org=self.org,
                items=[
                    BatchItem(self.rounds[i.round_id], tuple(i.groups), _LINK.format(i.round_id))
                    for i in invited
                ],
                calendar=deadlines_calendar(self.settings, rounds, uids, self.stamp),
            )
        return self.prototypes[key]

    def _calendar(self, prototype: bytes, invited: Sequence[Invited]) -> bytes:
        firsts: dict[date, int] = {}
        for i in sorted(invited, key=lambda i: i.invitation_id):
            firsts.setdefault(self.rounds[i.round_id].internal_deadline, i.invitation_id)
        uids = {day: calendar_uid(self.settings, day, first) for day, first in firsts.items()}
        if not all(map(_fits, uids.values())):
            rounds = [self.rounds[i.round_id] for i in invited]
            return deadlines_calendar(self.settings, rounds, uids, self.stamp).content
        for day, uid in uids.items():
            prototype = prototype.replace(_UID.format(f"{day:%Y%m%d}").encode(), uid.encode())
        return prototype

    def render(self, person: Addressee, invited: Sequence[Invited]) -> outbox.Rendered:
        """``person``'s email for their invitations ``invited`` (two or more)."""
        prototype = self._prototype(invited)
        text, html = prototype.message.text, prototype.message.html
        for i in invited:
            url = link(self.settings, i.token)
            text = text.replace(_LINK.format(i.round_id), url)
            html = html.replace(_LINK.format(i.round_id), str(escape(url)))
        [calendar] = prototype.message.attachments
        message = replace(
            prototype.message,
            to=person.email,
            to_name=person.name,
            text=text.replace(_NAME, person.name),
            html=html.replace(_NAME, str(escape(person.name))),
            attachments=(replace(calendar, content=self._calendar(calendar.content, invited)),),
        )
        message_id, raw = framed(message, self.settings)
        ids = [i.invitation_id for i in invited]
        return outbox.Rendered(
            key=batch_key("invitation-batch", person.id, ids),
            kind=prototype.kind,
            recipient=person.email,
            subject=message.subject,
            message_id=message_id,
            raw=raw,
            expires_at=prototype.expires_at,
        )
