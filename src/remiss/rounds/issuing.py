"""Issuing invitations in bulk: a batch of people in a few statements.

A batch inserts its invitations (their ids come back through RETURNING), their
groups and their tokens, then queues their emails in one statement: one email per
person, whatever the number of rounds (opened together) asking them. A person asked
in one round gets its invitation: rendered once per round and combination of groups
with placeholders for the person's name and link, and its MIME (``mail.frame``) and
calendar entry once per round with a placeholder UID; each person's copy is filled
in. What a person receives is exactly what ``catalogue.invitation`` and
``rendering.to_mime`` make. A person asked in several gets one email listing them
all (``batch_invitation``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape
from sqlalchemy import insert
from sqlalchemy.orm import Session

from remiss.core.addresses import Addressee
from remiss.core.clock import now
from remiss.core.models import (
    Group,
    Invitation,
    InvitationGroup,
    InvitationToken,
    Organisation,
    Person,
    Round,
)
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus
from remiss.core.tokens import hash_token, new_token
from remiss.directory.routing import Routed
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox, replies
from remiss.mail.frame import Frame
from remiss.mail.rendering import address
from remiss.rounds.batch_invitation import BatchInvitationMail, Invited
from remiss.rounds.invitations import calendar_uid, deadline_calendar, link

Invitee = Routed  # a person and the (group, role) pairs asking them

_NAME, _LINK, _UID = "REMISSPERSONNAME", "REMISSPERSONLINK", "REMISSCALENDARUID"
# A longer line would be folded differently from the placeholder's (RFC 5545: 75 octets).
_ICS_LINE = 75


class InvitationMail:
    """One round's invitation email, each person's copy filled into what they share."""

    def __init__(
        self, session: Session, settings: Settings, round_: Round, org: Organisation | None = None
    ) -> None:
        self.settings = settings
        self.round = round_
        self.org = org or organisation(session)
        self.stamp = now()
        self.calendar = deadline_calendar(settings, round_, _UID, self.stamp)
        # (group ids) → the subject, text and HTML with the placeholders
        self.bodies: dict[tuple[int, ...], tuple[str, str, str]] = {}
        self.frame: Frame | None = None

    def _body(self, groups: Sequence[Group]) -> tuple[str, str, str]:
        key = tuple(g.id for g in groups)
        if key not in self.bodies:
            stand_in = Person(name=_NAME, email="stand-in@example.invalid")
            email = catalogue.invitation(
                round_=self.round,
                person=stand_in,
                org=self.org,
                groups=groups,
                link=_LINK,
                calendar=self.calendar,
            )
            if self.frame is None:
                self.frame = Frame(email.message, self.settings)
            self.bodies[key] = (email.message.subject, email.message.text, email.message.html)
        return self.bodies[key]

    def _calendar(self, uid: str) -> bytes:
        if len(f"UID:{uid}".encode()) > _ICS_LINE or any(c in uid for c in ",;\\"):
            return deadline_calendar(self.settings, self.round, uid, self.stamp).content
        return self.calendar.content.replace(_UID.encode(), uid.encode())

    def render(
        self, person: Addressee, groups: Sequence[Group], token: str, invitation_id: int
    ) -> outbox.Rendered:
        subject, text, html = self._body(groups)
        url = link(self.settings, token)
        assert self.frame is not None
        message_id, raw = self.frame.fill(
            to=address(person.name, person.email),
            text=text.replace(_NAME, person.name).replace(_LINK, url),
            html=html.replace(_NAME, str(escape(person.name))).replace(_LINK, str(escape(url))),
            attachments=[self._calendar(calendar_uid(self.settings, self.round.id, invitation_id))],
            reply_to=replies.reply_address(self.settings, token),
        )
        return outbox.Rendered(
            key=f"invitation:{invitation_id}",
            kind="invitation",
            recipient=person.email,
            subject=subject,
            message_id=message_id,
            raw=raw,
            round_id=self.round.id,
            invitation_id=invitation_id,
            expires_at=self.round.internal_deadline_at,
        )


@dataclass(frozen=True)
class Asked:
    """A person and the rounds asking them, each with the (group, role) pairs it asks through."""

    person: Addressee
    rounds: list[tuple[int, list[tuple[Group, str]]]]


@dataclass(frozen=True)
class Issued:
    """What a batch issued: invitations by round id, and the emails queued for them."""

    invitations: Counter[int]
    messages: int


class Mails:
    """The invitation emails of rounds opened together: one round's invitation for a person
    asked in one, one email for them all for a person asked in several."""

    def __init__(self, session: Session, settings: Settings, rounds: Sequence[Round]) -> None:
        org = organisation(session)
        self.single = {r.id: InvitationMail(session, settings, r, org) for r in rounds}
        self.several = BatchInvitationMail(settings, org, rounds, now())

    def render(self, person: Addressee, invited: Sequence[Invited]) -> outbox.Rendered:
        if len(invited) > 1:
            return self.several.render(person, invited)
        [one] = invited
        mail = self.single[one.round_id]
        return mail.render(person, one.groups, one.token, one.invitation_id)


def issue(session: Session, mails: Mails, people: Sequence[Asked]) -> Issued:
    """Invite ``people`` to their rounds and queue one email each; return what was issued."""
    pairs = [(a.person, round_id, groups) for a in people for round_id, groups in a.rounds]
    if not pairs:
        return Issued(Counter(), 0)
    moment = now()
    # Matched back by round and person (one invitation per person per round): RETURNING
    # in the order of the parameters would make SQLite insert one row per statement.
    returned = session.execute(
        insert(Invitation).returning(Invitation.round_id, Invitation.person_id, Invitation.id),
        [
            {
                "round_id": round_id,
                "person_id": person.id,
                "status": InvitationStatus.ACTIVE,
                "created_at": moment,
            }
            for person, round_id, _groups in pairs
        ],
    )
    by_pair = {(r, p): invitation_id for r, p, invitation_id in returned.tuples()}
    ids = [by_pair[(round_id, person.id)] for person, round_id, _groups in pairs]
    tokens = [new_token() for _ in pairs]
    session.execute(
        insert(InvitationToken),
        [
            {
                "invitation_id": i,
                "token_hash": hash_token(t),
                "purpose": "invitation",
                "created_at": moment,
                "reply_hash": replies.reply_hash(t),
            }
            for i, t in zip(ids, tokens, strict=True)
        ],
    )
    session.execute(
        insert(InvitationGroup),
        [
            {"invitation_id": i, "group_id": group.id, "role": role}
            for i, (_person, _round_id, groups) in zip(ids, pairs, strict=True)
            for group, role in groups
        ],
    )
    invited = [
        Invited(round_id, [g for g, _role in groups], token, i)
        for (_person, round_id, groups), token, i in zip(pairs, tokens, ids, strict=True)
    ]
    rendered, start = [], 0
    for asked in people:
        end = start + len(asked.rounds)
        if end > start:
            rendered.append(mails.render(asked.person, invited[start:end]))
        start = end
    outbox.queue_rendered(session, rendered)
    return Issued(Counter(round_id for _person, round_id, _groups in pairs), len(rendered))
