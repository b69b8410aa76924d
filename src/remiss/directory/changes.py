"""What a directory file would change, shown before it is applied.

The file is applied for real inside a savepoint that is then rolled back: the preview is
the import's own work, not a second model of it, and it leaves nothing behind. It lists
new, changed, deactivated and reactivated people and groups, changed regions and
organisation, and the invitations of open rounds whose person could no longer answer
(``reviewers.rows.IN_DIRECTORY``: a person out of the directory, or out of every group the
invitation came through). A fingerprint of the directory as it stood lets the confirming
shell refuse to apply a preview the directory has since moved away from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import Group, Invitation, Membership, Organisation, Person, Region, Round
from remiss.core.states import InvitationStatus, RoundStatus
from remiss.core.swedish import counted
from remiss.directory import sync
from remiss.reviewers.rows import IN_DIRECTORY


@dataclass(frozen=True)
class Affected:
    """An open invitation whose person the file takes out of the directory or the group."""

    reference: str
    title: str
    name: str
    email: str


@dataclass
class Changes:
    new_people: list[str] = field(default_factory=list)
    changed_people: list[tuple[str, list[str]]] = field(default_factory=list)
    deactivated_people: list[str] = field(default_factory=list)
    reactivated_people: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)
    changed_groups: list[tuple[str, list[str]]] = field(default_factory=list)
    deactivated_groups: list[str] = field(default_factory=list)
    reactivated_groups: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # regions and the organisation
    affected: list[Affected] = field(default_factory=list)
    fingerprint: str = ""
    first_load: bool = False

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.new_people,
                self.changed_people,
                self.deactivated_people,
                self.reactivated_people,
                self.new_groups,
                self.changed_groups,
                self.deactivated_groups,
                self.reactivated_groups,
                self.other,
            )
        )

    def lines(self) -> list[str]:
        """The changes in plain lines, for a terminal."""
        out: list[str] = []

        def listed(title: str, items: list[str]) -> None:
            if items:
                out.append(f"{title} ({len(items)}): {', '.join(items)}")

        listed("Nya personer", self.new_people)
        listed("Nya grupper", self.new_groups)
        for name, what in self.changed_people + self.changed_groups:
            out.append(f"Ändras: {name}: {'; '.join(what)}")
        listed("Avaktiveras, personer", self.deactivated_people)
        listed("Avaktiveras, grupper", self.deactivated_groups)
        listed("Återaktiveras, personer", self.reactivated_people)
        listed("Återaktiveras, grupper", self.reactivated_groups)
        for line in self.other:
            out.append(f"Ändras: {line}")
        if self.affected:
            out.append(
                f"{counted(len(self.affected), 'öppen inbjudan', 'öppna inbjudningar')} "
                "kan inte längre besvaras:"
            )
            out.extend(f"  {a.reference}: {a.name} <{a.email}>" for a in self.affected)
        return out or ["Inga ändringar."]


# --- the directory as rows of plain values ----------------------------------------------


@dataclass
class _Snapshot:
    organisation: dict[str, Any]
    regions: dict[str, tuple[Any, ...]]
    people: dict[str, tuple[Any, ...]]  # email → (name, region, phone, active)
    groups: dict[str, tuple[Any, ...]]  # key → (name, kind, areas, answers, active)
    members: dict[tuple[str, str], tuple[str, bool]]  # (group key, email) → (role, active)

    def fingerprint(self) -> str:
        plain = json.dumps(
            [
                self.organisation,
                sorted(self.regions.items()),
                sorted(self.people.items()),
                sorted(self.groups.items()),
                sorted([list(k), v] for k, v in self.members.items()),
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(plain.encode()).hexdigest()


def _snapshot(session: Session) -> _Snapshot:
    session.flush()
    org = session.execute(
        select(
            Organisation.name,
            Organisation.short,
            Organisation.signatory,
            Organisation.unit,
            Organisation.kinds,
        ).order_by(Organisation.id)
    ).first()
    codes = {id_: code for id_, code in session.execute(select(Region.id, Region.code))}
    return _Snapshot(
        organisation=dict(org._asdict()) if org is not None else {},
        regions={
            code: (name, registrar, active)
            for code, name, registrar, active in session.execute(
                select(Region.code, Region.name, Region.registrar, Region.active)
            ).tuples()
        },
        people={
            email: (name, codes.get(region_id) if region_id else None, phone, active)
            for email, name, region_id, phone, active in session.execute(
                select(
                    Person.email, Person.name, Person.region_id, Person.phone, Person.active
                ).where(~Person.external)
            ).tuples()
        },
        groups={
            key: (name, kind, tuple(areas or ()), answers, active)
            for key, name, kind, areas, answers, active in session.execute(
                select(Group.key, Group.name, Group.kind, Group.areas, Group.answers, Group.active)
            ).tuples()
        },
        members={
            (key, email): (role, active)
            for key, email, role, active in session.execute(
                select(Group.key, Person.email, Membership.role, Membership.active)
                .join(Group, Group.id == Membership.group_id)
                .join(Person, Person.id == Membership.person_id)
            ).tuples()
        },
    )


def _cannot_answer(session: Session) -> dict[int, Affected]:
    """Open rounds' invitations whose person may no longer answer through them."""
    rows = session.execute(
        select(Invitation.id, Round.reference, Round.title, Person.name, Person.email)
        .join(Round, Round.id == Invitation.round_id)
        .join(Person, Person.id == Invitation.person_id)
        .where(Round.status == RoundStatus.OPEN, Invitation.status == InvitationStatus.ACTIVE)
        .where(~Invitation.late_allowed, ~IN_DIRECTORY.element)
        .order_by(Round.reference, Person.name)
    ).tuples()
    return {id_: Affected(ref, title, name, email) for id_, ref, title, name, email in rows}


def fingerprint(session: Session) -> str:
    """The directory as it stands, in one value that any change to it changes."""
    return _snapshot(session).fingerprint()


def preview(session: Session, spec: sync.DirectorySpec) -> Changes:
    """What applying ``spec`` would change; nothing is written."""
    before = _snapshot(session)
    out_before = _cannot_answer(session)
    with session.begin_nested() as trial:
        sync.apply(session, spec, actor="preview")
        after = _snapshot(session)
        out_after = _cannot_answer(session)
        trial.rollback()
    changes = _compare(before, after)
    changes.affected = [a for i, a in out_after.items() if i not in out_before]
    changes.fingerprint = before.fingerprint()
    changes.first_load = not before.groups and not before.people
    return changes


def _named(email: str, snapshot: _Snapshot) -> str:
    person = snapshot.people.get(email)
    return f"{person[0]} <{email}>" if person else email


def _compare(before: _Snapshot, after: _Snapshot) -> Changes:
    changes = Changes()
    group_name = {k: v[0] for k, v in after.groups.items()}
    # Each person's memberships, found once: looked up per person, not searched.
    groups_of: dict[str, list[tuple[str, str, bool]]] = {}
    for (key, member), (role, in_group) in after.members.items():
        groups_of.setdefault(member, []).append((key, role, in_group))
    for email, (name, region, phone, active) in after.people.items():
        was = before.people.get(email)
        label = f"{name} <{email}>"
        if was is None:
            groups = [group_name.get(k, k) for k, _r, on in groups_of.get(email, []) if on]
            changes.new_people.append(f"{label} ({', '.join(groups)})" if groups else label)
            continue
        if active and not was[3]:
            changes.reactivated_people.append(label)
        elif was[3] and not active:
            changes.deactivated_people.append(label)
            continue
        what = [
            f"{word}: {old or 'tomt'} → {new or 'tomt'}"
            for word, old, new in (
                ("namn", was[0], name),
                ("region", was[1], region),
                ("telefon", was[2], phone),
            )
            if old != new
        ]
        for key, role, in_group in groups_of.get(email, []):
            had = before.members.get((key, email))
            if in_group and (had is None or not had[1]):
                what.append(f"ny i {group_name.get(key, key)} ({role})")
            elif had is not None and had[1] and not in_group and active:
                what.append(f"lämnar {group_name.get(key, key)}")
            elif had is not None and had[1] and in_group and had[0] != role:
                what.append(f"roll i {group_name.get(key, key)}: {had[0]} → {role}")
        if what and active:
            changes.changed_people.append((label, what))

    for key, (name, kind, areas, answers, active) in after.groups.items():
        was = before.groups.get(key)
        label = f"{name} ({key})"
        if was is None:
            changes.new_groups.append(label)
        elif was[4] and not active:
            changes.deactivated_groups.append(label)
        else:
            if active and not was[4]:
                changes.reactivated_groups.append(label)
            what = [
                f"{word}: {_shown(old)} → {_shown(new)}"
                for word, old, new in (
                    ("namn", was[0], name),
                    ("typ", was[1], kind),
                    ("områden", was[2], areas),
                    ("svarar", was[3], answers),
                )
                if old != new
            ]
            if what:
                changes.changed_groups.append((label, what))

    for code, (name, registrar, active) in after.regions.items():
        was_region = before.regions.get(code)
        if was_region is None:
            changes.other.append(f"ny region {code} ({name})")
        elif was_region != (name, registrar, active):
            state = "avaktiveras" if was_region[2] and not active else "ändras"
            changes.other.append(f"region {code} {state}")
    if before.organisation and before.organisation != after.organisation:
        fields = [
            k for k in after.organisation if before.organisation.get(k) != after.organisation[k]
        ]
        changes.other.append(f"organisationen: {', '.join(fields)}")
    return changes


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) or "inga"
    if value is None:
        return "standard"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)
