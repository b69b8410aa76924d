"""Directory import: an idempotent re-sync that refuses bad input whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from remiss.app import App
from remiss.core.errors import InputError
from remiss.core.models import Group, Membership, Person
from remiss.directory import sync as directory
from tests.conftest import EXAMPLES

SMALL = """\
regions:
  - {code: RJL, name: Region Jönköpings län}
  - {code: RKL, name: Region Kalmar län}
groups:
  - key: rpo-a
    name: RPO A
    kind: RPO
    areas: [a]
    members:
      - {name: Anna Ek, email: Anna.Ek@rjl.example.org, region: RJL, role: ordförande}
      - {name: Bo Ek, email: bo.ek@rkl.example.org, region: RKL}
  - key: rpo-b
    name: RPO B
    kind: RPO
    areas: [b]
    members:
      - {name: Anna Ek, email: anna.ek@rjl.example.org, region: RJL}
"""


def load(app: App, text: str, source: str = "dir.yaml") -> directory.ImportResult:
    spec = directory.loads(text, source)
    with app.transaction() as s:
        return directory.apply(s, spec)


def state(app: App) -> dict[str, object]:
    with app.sessions() as s:
        return {
            "people": sorted((p.email, p.name, p.active) for p in s.scalars(select(Person))),
            "groups": sorted((g.key, g.active) for g in s.scalars(select(Group))),
            "memberships": sorted(
                (m.group_id, m.person_id, m.role, m.active) for m in s.scalars(select(Membership))
            ),
        }


def test_sample_directory_loads_with_people_in_several_groups_once(sample_directory: App) -> None:
    with sample_directory.sessions() as s:
        per = s.scalars(select(Person).where(Person.email == "per.wallin@rjl.example.org")).one()
        assert {m.group.key for m in per.memberships} == {"rpo-cancer", "rpo-kirurgi"}
        assert s.scalars(select(Group)).all().__len__() == 12
        org = directory.organisation(s)
        assert org.short == "SÖSR"


def test_import_is_idempotent(app: App) -> None:
    load(app, SMALL)
    before = state(app)
    load(app, SMALL)
    assert state(app) == before


def test_emails_are_matched_case_insensitively(app: App) -> None:
    load(app, SMALL)
    with app.sessions() as s:
        people = s.scalars(select(Person)).all()
        assert sorted(p.email for p in people) == [
            "anna.ek@rjl.example.org",
            "bo.ek@rkl.example.org",
        ]


def test_someone_who_left_is_deactivated_not_deleted_and_comes_back(app: App) -> None:
    load(app, SMALL)
    without_bo = SMALL.replace(
        "      - {name: Bo Ek, email: bo.ek@rkl.example.org, region: RKL}\n", ""
    )
    result = load(app, without_bo)
    assert "person bo.ek@rkl.example.org" in result.deactivated
    with app.sessions() as s:
        bo = s.scalars(select(Person).where(Person.email == "bo.ek@rkl.example.org")).one()
        assert bo.active is False
        assert all(not m.active for m in bo.memberships)
    result = load(app, SMALL)
    assert "person bo.ek@rkl.example.org" in result.reactivated


def test_a_group_that_left_is_deactivated(app: App) -> None:
    load(app, SMALL)
    only_a = SMALL.split("  - key: rpo-b")[0]
    load(app, only_a)
    with app.sessions() as s:
        b = s.scalars(select(Group).where(Group.key == "rpo-b")).one()
        assert b.active is False
        anna = s.scalars(select(Person).where(Person.email == "anna.ek@rjl.example.org")).one()
        assert anna.active is True


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (("region: RKL}", "region: RXX}"), 11, "okänd region 'RXX'"),
        (("key: rpo-b", "key: rpo-a"), 12, "gruppnyckeln 'rpo-a' används två gånger"),
        (
            ("{name: Anna Ek, email: anna.ek", "{name: Anna Eriksson, email: anna.ek"),
            17,
            "heter 'Anna Eriksson' här men 'Anna Ek'",
        ),
        (("email: bo.ek@rkl.example.org", "email: bo.ek(at)rkl"), 11, "ingen giltig e-postadress"),
        (("    name: RPO B\n", ""), 12, "name: obligatoriskt fält saknas"),
        (("    kind: RPO\n    areas: [b]", "    kinds: RPO\n    areas: [b]"), 14, "okänt fält"),
        (("areas: [a]", "areas: [a"), 9, "ogiltig YAML"),
    ],
)
def test_bad_directory_is_refused_with_file_line_and_reason_and_nothing_written(
    app: App, change: tuple[str, str], line: int, reason: str
) -> None:
    load(app, SMALL)
    before = state(app)
    bad = SMALL.replace(*change, 1)
    assert bad != SMALL
    with pytest.raises(InputError) as caught:
        load(app, bad, "katalog.yaml")
    message = str(caught.value)
    assert message.startswith(f"katalog.yaml:{line}: "), message
    assert reason in message
    assert state(app) == before


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="filen finns inte"):
        directory.load(tmp_path / "nope.yaml")


def test_example_directory_is_the_projects_own() -> None:
    assert (EXAMPLES / "directory.yaml").is_file()
