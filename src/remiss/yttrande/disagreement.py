"""Meningsskiljaktighet, escalated while the round runs.

When submitted positions on a position question point both ways between groups or
regions (Tillstyrker, with or without comments, against Avstyrker), the coordinator, the
lead's officer and the informed groups' members get one email naming who holds which
position: groups and regions, never persons. Again only when the picture changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.models import Membership, Person, Round
from remiss.core.settings import Settings
from remiss.core.states import QuestionKind
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.yttrande import drafts, wording
from remiss.yttrande.compile import invitees
from remiss.yttrande.model import NO_COMMENTS

SUPPORT, OPPOSE = "Tillstyrker", "Avstyrker"


@dataclass(frozen=True)
class Side:
    position: str
    holders: tuple[str, ...]  # "RPO Cancersjukdomar (Region Jönköpings län, Region Kalmar län)"

    @property
    def line(self) -> str:
        return f"{self.position}: {'; '.join(self.holders)}"


def picture(session: Session, round_: Round) -> list[catalogue.Disagreement]:
    """Every position question on which the submitted positions point both ways."""
    people = [p for p in invitees(session, round_.id) if p.answer is not None]
    found = []
    for question in round_.questions:
        if question.kind != QuestionKind.POSITION:
            continue
        options = list(question.options)
        held: dict[str, dict[str, set[str]]] = {}  # direction -> group -> regions
        for person in people:
            value = person.value(question.key)
            if not value or value == NO_COMMENTS:
                continue
            direction = wording.base_option(value, options)
            for group in person.groups:
                held.setdefault(direction, {}).setdefault(group.name, set()).add(person.region)
        if SUPPORT not in held or OPPOSE not in held:
            continue
        sides = [
            Side(direction, _holders(held[direction]))
            for direction in sorted(held, key=lambda d: wording.option_order(d, options))
        ]
        found.append(catalogue.Disagreement(question.text, tuple(s.line for s in sides)))
    return found


def _holders(groups: dict[str, set[str]]) -> tuple[str, ...]:
    """ "RPO Cancersjukdomar (Region Jönköpings län och Region Kalmar län)" per group."""
    result = []
    for group, regions in sorted(groups.items(), key=lambda item: wording.sort_key(item[0])):
        named = sorted(r for r in regions if r)
        result.append(f"{group} ({wording.join_sv(named)})" if named else group)
    return tuple(result)


def escalate(session: Session, settings: Settings, round_: Round) -> int:
    """Mail the disagreement when the picture changed since the last mail; returns how many."""
    items = picture(session, round_)
    if not items:
        round_.disagreement_key = None
        return 0
    digest = hashlib.sha256(repr(items).encode("utf-8")).hexdigest()
    if digest == round_.disagreement_key:
        return 0
    round_.disagreement_key = digest
    org = organisation(session)
    sent = 0
    for address in recipients(session, round_):
        email = catalogue.disagreement(round_=round_, org=org, to=address, items=items)
        key = f"disagreement:{round_.id}:{digest[:16]}:{address}"
        sent += outbox.queue(session, settings, key=key[:200], email=email, round_id=round_.id)
    audit.record(session, "system", "round.disagreement", round_id=round_.id, mailed=sent)
    session.flush()
    return sent


def recipients(session: Session, round_: Round) -> list[str]:
    """The coordinator, the lead's officer, and the informed groups' members."""
    addresses = [round_.coordinator]
    officer = drafts.lead_officer(session, round_)
    if officer is not None:
        addresses.append(officer[0].email)
    informed = [
        rg.group.id
        for rg in round_.routed_groups
        if rg.group.informed and rg.group.id != round_.lead_group_id
    ]
    if informed:
        addresses += session.scalars(
            select(Person.email)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.group_id.in_(informed), Membership.active, Person.active)
            .order_by(Person.email)
        ).all()
    return list(dict.fromkeys(a.lower() for a in addresses))
