"""The directory as the dashboard lists it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from remiss.core.models import Group, Membership, Person


def directory_groups(session: Session) -> list[Group]:
    """Every group with its members, active first, for the dashboard."""
    return list(
        session.scalars(
            select(Group)
            .options(
                selectinload(Group.memberships)
                .selectinload(Membership.person)
                .selectinload(Person.region)
            )
            .order_by(Group.active.desc(), Group.kind, Group.name)
        )
    )
