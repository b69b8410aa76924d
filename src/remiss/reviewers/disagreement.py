"""Meningsskiljaktighet, escalated while the round runs.

When submitted positions on a position question point both ways between groups or
regions (Tillstyrker, with or without comments, against Avstyrker), the coordinator, the
lead's officer and the informed groups' members get one email naming who holds which
position: groups and regions, never persons. Again only when the picture changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from remiss.core import audit
from remiss.core.db import reader
from remiss.core.models import (
    AnswerVersion,
    Group,
    Invitation,
    InvitationGroup,
    Membership,
    Person,
    Region,
    Round,
)
from remiss.core.settings import Settings
from remiss.core.states import InvitationStatus, QuestionKind, VersionKind
from remiss.core.text import printable
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.yttrande import drafts, wording
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
    found = []
    for question in round_.questions:
        if question.kind != QuestionKind.POSITION:
            continue
        options = list(question.options)
        held: dict[str, dict[str, set[str]]] = {}  # direction -> group -> regions
        for value, group, region in held_positions(session, round_.id, question.key):
            direction = wording.base_option(value, options)
            held.setdefault(direction, {}).setdefault(group, set()).add(region)
        if SUPPORT not in held or OPPOSE not in held:
            continue
        sides = [
            Side(direction, _holders(held[direction]))
            for direction in sorted(held, key=lambda d: wording.option_order(d, options))
        ]
        found.append(catalogue.Disagreement(question.text, tuple(s.line for s in sides)))
    return found


def held_positions(session: Session, round_id: int, key: str) -> set[tuple[str, str, str]]:
    """(position, group name, region name) for every answer to ``key`` that counts.

    What counts is what the yttrande compiles: the latest submitted version of each active
    invitation, through the groups it came with (a forwarded colleague's through those of
    the invitation forwarded, when it has none of its own). Read as distinct rows: the
    database does the counting, and a submit late in a large round reads a handful of rows.
    """
    held: set[tuple[str, str, str]] = set()
    for raw, group, region, invitation_id, forwarded_from in session.execute(
        _answers_to(key), {"round": round_id}
    ):
        if not (position := _position(raw)):
            continue
        if group is not None:
            held.add((position, group, region or ""))
            continue
        for inherited in _inherited_groups(session, invitation_id, forwarded_from):
            held.add((position, inherited, region or ""))
    return held


@lru_cache(maxsize=32)
def _answers_to(key: str) -> Select[Any]:
    """The query of ``held_positions`` for one question (built once: it runs per look).

    One pass over the round's latest submitted answers: (position, group, region) through
    the invitations' own groups, and for an invitation without groups of its own (a
    forwarded colleague's) no group but the invitation and the one it was forwarded from.
    """
    latest = aliased(AnswerVersion)
    value = AnswerVersion.values[key].as_string()
    groupless = InvitationGroup.id.is_(None)
    return (
        select(
            value,
            Group.name,
            Region.name,
            case((groupless, Invitation.id)),
            case((groupless, Invitation.forwarded_from_id)),
        )
        .join(AnswerVersion, AnswerVersion.invitation_id == Invitation.id)
        .join(Person, Person.id == Invitation.person_id)
        .outerjoin(Region, Region.id == Person.region_id)
        .outerjoin(InvitationGroup, InvitationGroup.invitation_id == Invitation.id)
        .outerjoin(Group, Group.id == InvitationGroup.group_id)
        .where(
            Invitation.round_id == bindparam("round"),
            Invitation.status == InvitationStatus.ACTIVE,
            Invitation.submitted_at.is_not(None),  # set by every submission: fewer to look at
            AnswerVersion.kind == VersionKind.SUBMITTED,
            AnswerVersion.number
            == select(func.max(latest.number))
            .where(latest.invitation_id == Invitation.id, latest.kind == VersionKind.SUBMITTED)
            .scalar_subquery(),
        )
        .distinct()
    )


def _position(raw: object) -> str:
    """A stored position as the yttrande reads it; "" for none (or "Inga synpunkter")."""
    value = printable(raw).strip() if isinstance(raw, str) else ""
    return "" if value == NO_COMMENTS else value


def _inherited_groups(
    session: Session, invitation_id: int, forwarded_from: int | None
) -> list[str]:
    """The groups of the nearest invitation up the forwarding chain that has any."""
    seen = {invitation_id}
    while forwarded_from is not None and forwarded_from not in seen:
        seen.add(forwarded_from)
        names = session.scalars(
            select(Group.name)
            .join(InvitationGroup, InvitationGroup.group_id == Group.id)
            .where(InvitationGroup.invitation_id == forwarded_from)
        ).all()
        if names:
            return list(names)
        forwarded_from = session.scalar(
            select(Invitation.forwarded_from_id).where(Invitation.id == forwarded_from)
        )
    return []


def _holders(groups: dict[str, set[str]]) -> tuple[str, ...]:
    """ "RPO Cancersjukdomar (Region Jönköpings län och Region Kalmar län)" per group."""
    result = []
    for group, regions in sorted(groups.items(), key=lambda item: wording.sort_key(item[0])):
        named = sorted(r for r in regions if r)
        result.append(f"{group} ({wording.join_sv(named)})" if named else group)
    return tuple(result)


def escalate(session: Session, settings: Settings, round_: Round) -> int:
    """Mail the disagreement when the picture changed since the last mail; returns how many.

    Only a picture that looks changed locks the round's row (against other writers, not
    against answers being submitted) and is read again under the lock: submissions at once
    escalate one after the other, each with every answer committed before it.
    """
    if _key(picture(session, round_)) == round_.disagreement_key:
        return 0
    round_ = session.scalars(
        select(Round)
        .where(Round.id == round_.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()
    items = picture(session, round_)
    digest = _key(items)
    if digest == round_.disagreement_key:
        return 0
    round_.disagreement_key = digest
    if digest is None:
        return 0
    org = organisation(session)
    sent = 0
    addresses = recipients(session, round_)
    for address in addresses:
        email = catalogue.disagreement(round_=round_, org=org, to=address, items=items)
        key = f"disagreement:{round_.id}:{digest[:16]}:{address}"
        sent += outbox.queue(session, settings, key=key[:200], email=email, round_id=round_.id)
    # When and to whom: the sammanställning's Förlopp reads it from here.
    audit.record(
        session,
        "system",
        "round.disagreement",
        round_id=round_.id,
        mailed=sent,
        to=addresses,
        questions=[item.question for item in items],
    )
    session.flush()
    return sent


def escalate_round(sessions: sessionmaker[Session], settings: Settings, round_id: int) -> int:
    """``escalate`` in a transaction of its own, with what is committed by now.

    The picture is looked at first without a write lock (most answers change nothing
    that is mailed); only one that looks changed is looked at again in a transaction
    that may write.
    """
    with sessions(bind=reader(sessions.kw["bind"])) as session:
        round_ = session.get(Round, round_id)
        if round_ is None or _key(picture(session, round_)) == round_.disagreement_key:
            return 0
    with sessions.begin() as session:
        round_ = session.get(Round, round_id)
        return escalate(session, settings, round_) if round_ is not None else 0


def _key(items: list[catalogue.Disagreement]) -> str | None:
    """What ``Round.disagreement_key`` holds for a picture: a digest, None for no disagreement."""
    return hashlib.sha256(repr(items).encode("utf-8")).hexdigest() if items else None


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
