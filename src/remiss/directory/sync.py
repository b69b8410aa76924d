"""The directory of regions, groups and people: import and re-sync from YAML.

The file is validated whole before anything is written; a re-sync deactivates
what left (never deletes), so history and old answers keep their names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from remiss.core import audit, progress
from remiss.core.addresses import normalise_email
from remiss.core.models import Group, Membership, Organisation, Person, Region
from remiss.core.swedish import counted
from remiss.core.text import NOT_IN_A_NAME, controls_in, shown
from remiss.core.yamlio import Located, format_loc, load_file, load_text, validation_error
from remiss.directory import bulk
from remiss.directory.kinds import KindSpec, anchored

DEFAULT_ORGANISATION = {
    "name": "Sydöstra sjukvårdsregionen",
    "short": "SÖSR",
    "signatory": "Samverkansnämndens presidium",
    "unit": "Regionsjukvårdsledningen",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationSpec(_Strict):
    name: str = DEFAULT_ORGANISATION["name"]
    short: str = DEFAULT_ORGANISATION["short"]
    signatory: str = DEFAULT_ORGANISATION["signatory"]
    unit: str = DEFAULT_ORGANISATION["unit"]
    kinds: dict[str, KindSpec] = {}


class RegionSpec(_Strict):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    # The region's registrator: a remiss answered per region is mailed there.
    registrar: str | None = None

    @field_validator("registrar")
    @classmethod
    def _registrar(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None


class MemberSpec(_Strict):
    name: str = Field(min_length=1)
    email: str
    region: str = Field(min_length=1)
    role: str = "ledamot"
    phone: str | None = Field(default=None, max_length=60)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalise_email(value)


class GroupSpec(_Strict):
    key: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    areas: list[str] = []
    # Whether the group is asked to answer; unset, a kunskapsråd is informed and others answer.
    answers: bool | None = None
    members: list[MemberSpec] = []


class DirectorySpec(_Strict):
    organisation: OrganisationSpec = OrganisationSpec()
    regions: list[RegionSpec] = Field(min_length=1)
    groups: list[GroupSpec] = []


@dataclass
class ImportResult:
    regions: int = 0
    groups: int = 0
    people: int = 0
    memberships: int = 0
    added: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{counted(self.regions, 'region', 'regioner')}, "
            f"{counted(self.groups, 'grupp', 'grupper')}, "
            f"{counted(self.people, 'person', 'personer')}, {self.memberships} medlemskap"
        ]
        if self.added:
            people = sum(1 for a in self.added if a.startswith("person "))
            groups = sum(1 for a in self.added if a.startswith("group "))
            new = [
                f"{people} {'person' if people == 1 else 'personer'}" if people else "",
                f"{groups} {'grupp' if groups == 1 else 'grupper'}" if groups else "",
            ]
            parts.append("nya: " + " och ".join(n for n in new if n))
        if self.reactivated:
            parts.append(f"återaktiverade: {len(self.reactivated)}")
        if self.deactivated:
            parts.append(f"avaktiverade: {', '.join(self.deactivated)}")
        return "; ".join(parts)


def parse(doc: Located) -> DirectorySpec:
    """Validate a directory document; raise InputError naming file, line and reason."""
    if not isinstance(doc.data, dict):
        raise doc.error("förväntade en katalog med 'regions' och 'groups'")
    # Nothing in a directory is more than one line: each text is a name, a code or an address.
    for loc, value in controls_in(doc.data):
        message = f"{NOT_IN_A_NAME} (angivet: '{shown(value[:80])}')"
        raise doc.error(message, loc, field=shown(format_loc(loc)))
    try:
        spec = DirectorySpec.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
    codes = set()
    for i, region in enumerate(spec.regions):
        if region.code in codes:
            raise doc.error(f"regionen '{region.code}' finns två gånger", ("regions", i, "code"))
        codes.add(region.code)
    keys: set[str] = set()
    names: dict[str, tuple[str, str]] = {}
    for g, group in enumerate(spec.groups):
        if group.key in keys:
            raise doc.error(f"gruppnyckeln '{group.key}' används två gånger", ("groups", g, "key"))
        keys.add(group.key)
        seen_in_group: set[str] = set()
        for m, member in enumerate(group.members):
            loc = ("groups", g, "members", m)
            if member.region not in codes:
                raise doc.error(
                    f"okänd region '{member.region}' (förväntade en av {', '.join(sorted(codes))})",
                    (*loc, "region"),
                )
            if member.email in seen_in_group:
                raise doc.error(
                    f"{member.email} finns två gånger i gruppen '{group.key}'", (*loc, "email")
                )
            seen_in_group.add(member.email)
            first = names.get(member.email)
            if first is not None and first[0] != member.name:
                raise doc.error(
                    f"{member.email} heter '{member.name}' här men '{first[0]}' "
                    "på annat ställe i filen",
                    (*loc, "name"),
                )
            if first is not None and first[1] != member.region:
                raise doc.error(
                    f"{member.email} hör till region '{member.region}' här men '{first[1]}' "
                    "på annat ställe i filen",
                    (*loc, "region"),
                )
            names[member.email] = (member.name, member.region)
    return spec


def load(path: str | Path) -> DirectorySpec:
    spec = parse(load_file(path))
    anchored(spec.organisation.kinds, Path(path).resolve().parent)
    return spec


def loads(text: str, source: str = "<directory>") -> DirectorySpec:
    return parse(load_text(text, source))


def apply(session: Session, spec: DirectorySpec, actor: str = "system") -> ImportResult:
    """Bring the database in line with ``spec``: upsert, and deactivate what left.

    Groups, people and memberships are written in bulk (``bulk.upsert``), each step told
    to a listening progress bar."""
    result = ImportResult()
    org = session.scalars(select(Organisation)).first()
    if org is None:
        org = Organisation(**spec.organisation.model_dump())
        session.add(org)
    else:
        for key, value in spec.organisation.model_dump().items():
            setattr(org, key, value)
    org.kinds = {key: kind.model_dump() for key, kind in spec.organisation.kinds.items()}

    regions = {r.code: r for r in session.scalars(select(Region))}
    for region_spec in spec.regions:
        region = regions.get(region_spec.code)
        if region is None:
            region = Region(code=region_spec.code, name=region_spec.name, active=True)
            session.add(region)
            regions[region.code] = region
        region.name = region_spec.name
        region.registrar = region_spec.registrar
        region.active = True
    listed_codes = {r.code for r in spec.regions}
    for code, region in regions.items():
        if code not in listed_codes and region.active:
            region.active = False
            result.deactivated.append(f"region {code}")
    result.regions = len(spec.regions)

    session.flush()
    region_ids = {code: region.id for code, region in regions.items()}

    progress.step("skriver grupperna")
    group_rows = {
        g.key: {"name": g.name, "kind": g.kind, "areas": list(g.areas), "answers": g.answers}
        for g in spec.groups
    }
    groups = bulk.upsert(session, Group, ("key",), group_rows, ("name", "kind", "areas", "answers"))
    result.groups = len(spec.groups)

    progress.step("skriver personerna")
    wanted_people: dict[str, MemberSpec] = {}
    for group_spec in spec.groups:
        for member in group_spec.members:
            first = wanted_people.setdefault(member.email, member)
            if first.phone is None and member.phone is not None:
                # A phone may be given in any one of the person's groups.
                wanted_people[member.email] = first.model_copy(update={"phone": member.phone})
    person_rows = {
        email: {"name": m.name, "region_id": region_ids[m.region], "phone": m.phone}
        for email, m in wanted_people.items()
    }
    people = bulk.upsert(session, Person, ("email",), person_rows, ("name", "region_id", "phone"))
    result.people = len(wanted_people)

    progress.step("skriver medlemskapen")
    members = {
        (groups.ids[g.key], people.ids[m.email]): {"role": m.role}
        for g in spec.groups
        for m in g.members
    }
    bulk.upsert(session, Membership, ("group_id", "person_id"), members, ("role",))
    result.memberships = sum(len(g.members) for g in spec.groups)

    result.added = [f"person {e}" for e in people.added] + [f"group {k}" for k in groups.added]
    result.reactivated = [f"person {e}" for e in people.reactivated] + [
        f"group {k}" for k in groups.reactivated
    ]
    result.deactivated += [f"group {k}" for k in groups.deactivated]
    result.deactivated += [f"person {e}" for e in people.deactivated]
    session.flush()
    audit.record(session, actor, "directory.import", summary=result.summary())
    return result


_ORGANISATION = select(*cast(Table, Organisation.__table__).c).limit(1)


def active_regions(session: Session) -> list[Region]:
    """The organisation's regions taking part, by code (RJL, RKL, RÖ)."""
    return sorted(
        session.scalars(select(Region).where(Region.active.is_(True))), key=lambda r: r.code
    )


def organisation(session: Session) -> Organisation:
    """The answering organisation, defaulting to SÖSR before any directory is loaded.

    For reading (every email names it): a copy of the row, not tracked by the session,
    which costs a third of loading it. ``load`` changes the row itself.
    """
    row = session.connection().execute(_ORGANISATION).first()
    return Organisation(**(row._asdict() if row is not None else DEFAULT_ORGANISATION))
