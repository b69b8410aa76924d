"""The YAML reader's limits fit a large region: a 10,000-person directory imports, while
what only an attack looks like (an alias bomb, a file of nothing but parts) is refused
with a message that says what was counted."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from remiss.core.errors import InputError
from remiss.core.yamlio import MAX_ALIASED_NODES, MAX_CHARACTERS, MAX_NODES, load_text
from tests.test_cli import run
from tests.web.test_hostile_input import ALIAS_BOMB

REGIONS = ("RJL", "RKL", "RÖ")


def directory(people: int, per_group: int) -> str:
    """A directory of ``people`` people, ``per_group`` to a group, written out as a person
    writes one by hand (no aliases): each with name, email, region, role and phone."""
    lines = ["regions:"]
    for code in REGIONS:
        lines += [f"  - code: {code}", f"    name: Region {code}"]
    lines.append("groups:")
    for g in range(people // per_group):
        lines += [
            f"  - key: grupp-{g}",
            f"    name: Programområde {g}",
            "    kind: RPO",
            f"    areas: [omrade-{g}]",
            "    members:",
        ]
        for i in range(per_group):
            n = g * per_group + i
            lines += [
                f"      - name: Förnamn Efternamnsson {n}",
                f"        email: fornamn.efternamnsson{n}@region.example.org",
                f"        region: {REGIONS[n % 3]}",
                f"        role: {'ordförande' if i == 0 else 'ledamot'}",
                f'        phone: "010-{n:06d}"',
            ]
    return "\n".join(lines) + "\n"


def test_a_large_regions_directory_of_ten_thousand_people_imports(
    remiss: CliRunner, tmp_path: Path
) -> None:
    text = directory(10_000, 25)
    assert len(text) < MAX_CHARACTERS
    path = tmp_path / "region.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(remiss, "db", "upgrade")
    assert code == 0, err
    code, out, err = run(remiss, "directory", "import", str(path))
    assert code == 0, err
    assert "3 regioner, 400 grupper, 10000 personer, 10000 medlemskap" in out


def test_an_alias_bomb_is_refused_for_what_its_aliases_reach() -> None:
    with pytest.raises(InputError) as refused:
        load_text(ALIAS_BOMB, "bomb.yaml")
    assert str(refused.value) == (
        f"bomb.yaml:1: filen är för stor när alias räknas ut "
        f"(över {MAX_ALIASED_NODES} delar nås genom alias)"
    )


def test_aliases_that_reach_little_are_read_as_written() -> None:
    read = load_text(
        "base: &base {region: RJL, role: ledamot}\nfirst: *base\nsecond: *base\n", "ok.yaml"
    )
    assert read.data["second"] == {"region": "RJL", "role": "ledamot"}
    assert read.line_of(("second",)) == 3


def test_a_file_of_nothing_but_parts_is_refused_for_their_number() -> None:
    text = "[" + "1, " * MAX_NODES + "1]\n"
    with pytest.raises(InputError) as refused:
        load_text(text, "parts.yaml")
    assert str(refused.value) == (
        f"parts.yaml:1: filen har för många delar "
        f"(över {MAX_NODES} nycklar, värden, listor och mappningar)"
    )
