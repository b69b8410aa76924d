"""An answer with consequences at system level ("konsekvenser på systemnivå"): the reviewer
marks it when submitting, and it goes at once, in the submission's own transaction, to the
informed groups' members (the kunskapsråd) and the coordinator.

By group and region, as the disagreement: the coordinator can tell who from the round page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.models import Group, Invitation, InvitationGroup, Person, Region, Round
from remiss.core.settings import Settings
from remiss.core.swedish import datetime_sv, sort_key
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.reviewers import disagreement, positions_held
from remiss.reviewers.page import answer_lines
from remiss.reviewers.rows import Answering
from remiss.yttrande import wording


def send(session: Session, settings: Settings, found: Answering, version: Row[Any]) -> int:
    """Queue the submitted ``version`` to the informed and the coordinator; how many."""
    link = found.link
    round_ = session.get(Round, link.round_id)
    assert round_ is not None  # the link's, read under its lock
    informed = disagreement.informed_members(session, round_)
    addresses = list(dict.fromkeys(a.lower() for a in [round_.coordinator, *informed]))
    who = _who(session, link.id, link.person_id)
    texts = {q.key: q.text for q in found.questions}
    org = organisation(session)
    sent = 0
    for address in addresses:
        email = catalogue.system_level(
            round_=round_,
            org=org,
            to=address,
            who=who,
            answers=answer_lines(texts, version.values, version.no_comments),
            submitted_at=datetime_sv(version.created_at, settings.tz),
        )
        sent += outbox.queue(
            session,
            settings,
            key=f"system_level:{link.id}:{version.number}:{address}"[:200],
            email=email,
            round_id=round_.id,
            invitation_id=link.id,
        )
    audit.record(
        session,
        link.email,
        "answer.system_level",
        round_id=round_.id,
        invitation_id=link.id,
        version=version.number,
        who=who,
        to=addresses,
    )
    return sent


def _who(session: Session, invitation_id: int, person_id: int) -> str:
    """'RPO Cancersjukdomar, Region Östergötland': the groups the answer came through (a
    forwarded colleague's those forwarded from), and the person's region."""
    groups = list(
        session.scalars(
            select(Group.name)
            .join(InvitationGroup, InvitationGroup.group_id == Group.id)
            .where(InvitationGroup.invitation_id == invitation_id)
        )
    )
    if not groups:
        forwarded_from = session.scalar(
            select(Invitation.forwarded_from_id).where(Invitation.id == invitation_id)
        )
        groups = positions_held.inherited_groups(session, invitation_id, forwarded_from)
    region = session.scalar(
        select(Region.name)
        .join(Person, Person.region_id == Region.id)
        .where(Person.id == person_id)
    )
    named = wording.join_sv(sorted(groups, key=sort_key))
    return ", ".join(part for part in (named, region or "") if part) or "en svarande utan grupp"
