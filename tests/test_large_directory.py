"""The YAML reader's limits fit a national directory: 20,000 people import through the
command, and a wrong field among them is named by its line; while what only an attack
looks like (an alias bomb, a nesting without end, a file too large) is refused for what
it is, having read no more than the first lines of it (no timing: the line it stops at
and the bytes it never read say so)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from remiss.core.errors import InputError
from remiss.core.yamlio import (
    MAX_ALIASED_NODES,
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    load_file,
    load_text,
)
from remiss.directory import sync as directory
from tests.test_cli import run

REGIONS = ("RJL", "RKL", "RÖ")
LAUGHS = 'lol0: &lol0 "lol"\n' + "".join(
    f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]\n" for i in range(1, 10)
)  # a billion of them, once every alias is followed


def national(people: int, per_group: int = 25) -> str:
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


def test_a_directory_of_twenty_thousand_people_imports_through_the_command(
    remiss: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "nationell.yaml"
    path.write_text(national(20_000), encoding="utf-8")
    code, _, err = run(remiss, "db", "upgrade")
    assert code == 0, err
    code, out, err = run(remiss, "directory", "import", str(path))
    assert code == 0, err
    assert "3 regioner, 800 grupper, 20000 personer, 20000 medlemskap" in out
    # A long import says its steps, one line each when no terminal shows a bar.
    assert f"{path}: skriver personerna (2/3)" in err

    again = national(20_000).replace("Förnamn Efternamnsson 19999", "Förnamn Efternamnsson-Ek")
    path.write_text(again, encoding="utf-8")
    code, out, err = run(remiss, "directory", "import", str(path), "--yes")
    assert code == 0, err
    assert out.strip().endswith("20000 personer, 20000 medlemskap")


def test_a_wrong_field_deep_in_a_large_directory_is_named_by_its_line() -> None:
    lines = national(20_000).splitlines(keepends=True)
    role = lines.index("      - name: Förnamn Efternamnsson 15624\n") + 3
    lines[role] = lines[role].replace("role:", "roll:")
    with pytest.raises(InputError) as refused:
        directory.loads("".join(lines), "nationell.yaml")
    assert str(refused.value) == (
        f"nationell.yaml:{role + 1}: groups[624].members[24].roll: okänt fält 'roll'"
    )


def test_a_billion_laughs_is_refused_at_the_line_where_its_aliases_reach_too_far() -> None:
    with pytest.raises(InputError) as refused:
        load_text(LAUGHS, "skratt.yaml")
    # lol4's ten aliases reach 11,110 parts; lol5 would reach ten times more.
    assert str(refused.value) == (
        f"skratt.yaml:6: filen är för stor när alias räknas ut "
        f"(över {MAX_ALIASED_NODES} delar nås genom alias)"
    )


def test_aliases_that_reach_little_are_read_as_written() -> None:
    read = load_text(
        "base: &base {region: RJL, role: ledamot}\nfirst: *base\nsecond: *base\n", "ok.yaml"
    )
    assert read.data["second"] == {"region": "RJL", "role": "ledamot"}
    assert read.line_of(("second",)) == 3


def test_more_aliases_than_the_limit_are_refused_at_the_first_too_many() -> None:
    text = "a: &a x\n" + "".join(f"b{i}: *a\n" for i in range(MAX_ALIASES + 50))
    with pytest.raises(InputError) as refused:
        load_text(text, "alias.yaml")
    assert str(refused.value) == f"alias.yaml:{MAX_ALIASES + 2}: för många alias (över 100)"


def test_nesting_deeper_than_the_limit_is_refused_at_the_first_level_too_deep() -> None:
    block = "".join(f"{'  ' * i}n{i}:\n" for i in range(10 * MAX_DEPTH)) + "  " * 400 + "x\n"
    flow = "regions: " + "[" * 100_000 + "]" * 100_000 + "\n"
    for text in (block, flow):
        with pytest.raises(InputError) as refused:
            load_text(text, "djup.yaml")
        line = MAX_DEPTH + 1 if text is block else 1
        assert str(refused.value) == f"djup.yaml:{line}: för djupt nästlad (över 40 nivåer)"


def test_aliases_count_in_the_nesting_they_bring() -> None:
    text = "a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 15 + "*a" + "]" * 15 + "\n"
    with pytest.raises(InputError) as refused:
        load_text(text, "djup.yaml")
    assert str(refused.value) == "djup.yaml:2: för djupt nästlad (över 40 nivåer, med alias)"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "stor.yaml"
    with path.open("wb") as sparse:  # nothing but NUL: read, it would be refused for that
        sparse.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError) as refused:
        load_file(path)
    assert str(refused.value) == (
        f"{path}: filen är för stor ({MAX_BYTES + 1} byte, högst {MAX_BYTES})"
    )
    many = "x: " + "å" * (MAX_BYTES // 2) + "\n"  # within the limit in characters, not in bytes
    with pytest.raises(InputError, match="filen är för stor"):
        load_text(many, "stor.yaml")
