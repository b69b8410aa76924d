"""Routing: from a round's areas, named groups and lead to the people invited."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.addresses import Addressee
from remiss.core.errors import InputError
from remiss.core.models import Group, Membership, Person

# A group's processtöd supports it (and drafts the answer when it leads): told, not asked.
SUPPORT_ROLE = "processtöd"

# A person routed, and the (group, role) pairs through which they are reached.
Routed = tuple[Addressee, list[tuple[Group, str]]]


@dataclass
class Route:
    """The groups a round goes to (in order, with why) and who is in them."""

    groups: list[tuple[Group, str]]
    lead: Group
    # person id → (person, [(group, role), …]): those asked to answer
    people: dict[int, Routed] = field(default_factory=dict)
    # The same for those told, not asked: an informed group's members (a kunskapsråd) and
    # each group's processtöd.
    informed: dict[int, Routed] = field(default_factory=dict)


class RoutingError(InputError):
    """A routing input that names nothing in the directory; ``field`` says which."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)


def is_support(role: str | None) -> bool:
    """Whether a membership's role is the group's processtöd (matched case-insensitively)."""
    return (role or "").casefold() == SUPPORT_ROLE


def told(group: Group, role: str | None, lead_id: int | None) -> bool:
    """Whether a member reached through ``group`` in ``role`` is told of a round, not asked:
    an informed group's member (unless the group leads) or any group's processtöd."""
    return (group.informed and group.id != lead_id) or is_support(role)


def active_groups(session: Session) -> list[Group]:
    return list(session.scalars(select(Group).where(Group.active).order_by(Group.id)))


def known_areas(groups: list[Group]) -> set[str]:
    return {area for g in groups for area in g.areas}


def route(session: Session, areas: list[str], named: list[str], lead_key: str | None) -> Route:
    """Select every active group covering an area, plus the named groups and the lead.

    The lead defaults to the first group routed by the first area.
    """
    groups = active_groups(session)
    by_key = {g.key: g for g in groups}
    covered = known_areas(groups)
    for area in areas:
        if area not in covered:
            raise RoutingError(
                f"okänt område '{area}': ingen aktiv grupp täcker det "
                f"(kända områden: {', '.join(sorted(covered)) or 'inga'})",
                "areas",
            )
    for key in named:
        if key not in by_key:
            raise RoutingError(f"okänd grupp '{key}' (ingen aktiv grupp)", "groups")
    if lead_key is not None and lead_key not in by_key:
        raise RoutingError(f"okänd ansvarig grupp '{lead_key}' (ingen aktiv grupp)", "lead")

    chosen: dict[int, tuple[Group, str]] = {}
    for area in areas:
        for group in groups:
            if area in group.areas and group.id not in chosen:
                chosen[group.id] = (group, "area")
    for key in named:
        chosen.setdefault(by_key[key].id, (by_key[key], "named"))
    if lead_key is not None:
        lead = by_key[lead_key]
    elif areas:
        lead = next(g for g in groups if areas[0] in g.areas)
    elif named:
        lead = by_key[named[0]]
    else:
        raise RoutingError(
            "remissen anger inget område och ingen grupp och når därför ingen", "areas"
        )
    if lead.id not in chosen:
        chosen[lead.id] = (lead, "lead")

    result = Route(groups=list(chosen.values()), lead=lead)
    ids = list(chosen)
    # Columns, not rows: a round may reach thousands, and only these are needed.
    rows = session.execute(
        select(Membership.group_id, Membership.role, Person.id, Person.name, Person.email)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.group_id.in_(ids), Membership.active, Person.active)
        .order_by(Person.id)
    ).tuples()
    order = {gid: i for i, gid in enumerate(ids)}
    for group_id, role, person_id, name, email in rows:
        group = chosen[group_id][0]
        routed = result.informed if told(group, role, lead.id) else result.people
        if person_id not in routed:
            routed[person_id] = (Addressee(person_id, name, email), [])
        routed[person_id][1].append((group, role))
    for person_id in list(result.informed):
        if person_id in result.people:  # asked through another group: asked, not told
            del result.informed[person_id]
    for _person, memberships in [*result.people.values(), *result.informed.values()]:
        memberships.sort(key=lambda pair: order[pair[0].id])
    return result
