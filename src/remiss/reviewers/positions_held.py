"""What the respondents of a round hold: their submitted positions as stances, by the groups
they answer for and their region, and their latest submitted answers.

What counts is what the yttrande compiles: the latest submitted version of each active
invitation, through the groups it came with (a forwarded colleague's through those of
the invitation forwarded, when it has none of its own).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from remiss.core.models import (
    AnswerVersion,
    Group,
    Invitation,
    InvitationGroup,
    Person,
    Region,
    Round,
)
from remiss.core.states import InvitationStatus, QuestionKind, VersionKind
from remiss.core.text import printable
from remiss.reviewers import majorities
from remiss.reviewers.majorities import Stance


def stances(session: Session, round_: Round) -> dict[str, list[Stance]]:
    """Each position question's stances: the latest submitted version of each active
    invitation, with the groups it came with (a forwarded colleague's those of the
    invitation forwarded, when it has none of its own) and its person's region."""
    asked = [q for q in round_.questions if q.kind == QuestionKind.POSITION]
    result: dict[str, list[Stance]] = {q.key: [] for q in asked}
    if not asked:
        return result
    answers: dict[int, tuple[set[str], str, int | None, tuple[Any, ...]]] = {}
    for row in session.execute(_answers_to(tuple(q.key for q in asked)), {"round": round_.id}):
        invitation_id, forwarded_from, region, group = row[:4]
        groups = answers.setdefault(
            invitation_id, (set(), region or "", forwarded_from, tuple(row[4:]))
        )[0]
        if group is not None:
            groups.add(group)
    for invitation_id, (groups, region, forwarded_from, given) in answers.items():
        if not groups:
            groups = set(inherited_groups(session, invitation_id, forwarded_from))
        for question, raw in zip(asked, given, strict=True):
            position = printable(raw).strip() if isinstance(raw, str) else ""
            side = majorities.side(position, list(question.options))
            if side is not None:
                stance = Stance(invitation_id, tuple(sorted(groups)), region, side, position)
                result[question.key].append(stance)
    return result


@lru_cache(maxsize=32)
def _answers_to(keys: tuple[str, ...]) -> Select[Any]:
    """One row per (respondent, group it came with): the invitation, the one it was
    forwarded from, the region, the group, and the position given to each of ``keys``."""
    latest = aliased(AnswerVersion)
    return (
        select(
            Invitation.id,
            Invitation.forwarded_from_id,
            Region.name,
            Group.name,
            *(AnswerVersion.values[key].as_string() for key in keys),
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
    )


def inherited_groups(session: Session, invitation_id: int, forwarded_from: int | None) -> list[str]:
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


def submitted_values(session: Session, invitation_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The latest submitted answer of each invitation: read only for a mail that quotes it."""
    if not invitation_ids:
        return {}
    latest = aliased(AnswerVersion)
    rows = session.execute(
        select(AnswerVersion.invitation_id, AnswerVersion.values).where(
            AnswerVersion.invitation_id.in_(sorted(invitation_ids)),
            AnswerVersion.kind == VersionKind.SUBMITTED,
            AnswerVersion.number
            == select(func.max(latest.number))
            .where(
                latest.invitation_id == AnswerVersion.invitation_id,
                latest.kind == VersionKind.SUBMITTED,
            )
            .scalar_subquery(),
        )
    )
    return {invitation_id: dict(values or {}) for invitation_id, values in rows}
