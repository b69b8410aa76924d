"""Names are data: a line break or another control character in a name is refused where it
comes in, naming the file, the line and the field, and nothing is written.

A directory that kept "Mallory\\r\\nBcc: …" as a group's name made every round routed to
that group fail to open; a title is one line of every invitation's subject.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from remiss import app as runtime
from remiss.app import App
from remiss.cli import app as cli_app
from remiss.core.models import Group, Invitation, Message, Organisation, Person, Region, Round
from remiss.core.text import control_character, shown
from tests.mailcatcher import RunningCatcher

DIRECTORY = """\
organisation:
  name: Sydöstra sjukvårdsregionen
  kinds:
    nhv:
      signatories:
        - {name: Anna Berglund, title: ordförande}
regions:
  - {code: RJL, name: Region Jönköpings län}
groups:
  - key: rpo-a
    name: RPO A
    kind: RPO
    areas: [sallsynta-sjukdomar]
    members:
      - {name: Anna Ek, email: anna.ek@rjl.example.org, region: RJL}
"""

ROUND = """\
reference: KS-2026-099
title: Mastocytos, remissförslag
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar]
deadline: 2026-04-14
coordinator: kansli@sosr.example.org
"""

BLOCK_NAME = """\
      - name: |
          Anna Ek
          Bcc: mallory@example.org
        email: anna.ek@rjl.example.org
        region: RJL
"""


def run(runner: CliRunner, *args: str) -> tuple[int, str]:
    """One command, as if in a process of its own; its exit code and standard error."""
    runtime.use(None)
    result = runner.invoke(cli_app, list(args))
    return result.exit_code, result.stderr


def rows(app: App) -> dict[str, int]:
    with app.sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Organisation, Region, Group, Person, Round, Invitation, Message)
        }


def names(app: App) -> list[str]:
    with app.sessions() as session:
        groups = session.scalars(select(Group.name)).all()
        people = session.scalars(select(Person.name)).all()
    return sorted([*groups, *people])


@pytest.mark.parametrize(
    ("change", "line", "field", "shown_as"),
    [
        (
            ("{name: Anna Ek,", '{name: "Mallory\\r\\nBcc: mallory@example.org",'),
            15,
            "groups[0].members[0].name",
            "Mallory\\r\\nBcc",
        ),
        (
            ("      - {name: Anna Ek, email: anna.ek@rjl.example.org, region: RJL}\n", BLOCK_NAME),
            15,
            "groups[0].members[0].name",
            "Anna Ek\\nBcc",
        ),
        (
            ("    name: RPO A", '    name: "RPO A\\nBcc: mallory@example.org"'),
            11,
            "groups[0].name",
            "RPO A\\nBcc",
        ),
        (
            ("name: Region Jönköpings län", 'name: "Region\\tJönköping"'),
            8,
            "regions[0].name",
            "\\t",
        ),
        (
            ("  name: Sydöstra sjukvårdsregionen", '  name: "Sydöstra\\u2028regionen"'),
            2,
            "organisation.name",
            "\\u2028",
        ),
        (
            ("title: ordförande", 'title: "ordf\\u202eörande"'),
            6,
            "organisation.kinds.nhv.signatories[0].title",
            "\\u202e",
        ),
        (("    nhv:", '    "nhv\\n":'), 4, "organisation.kinds.nhv\\n", "nhv\\n"),
    ],
)
def test_a_control_character_in_a_directory_name_is_refused_naming_file_line_and_field(
    remiss: CliRunner,
    app: App,
    tmp_path: Path,
    change: tuple[str, str],
    line: int,
    field: str,
    shown_as: str,
) -> None:
    good, bad = tmp_path / "katalog.yaml", tmp_path / "ny-katalog.yaml"
    good.write_text(DIRECTORY, encoding="utf-8")
    assert run(remiss, "directory", "import", str(good)) == (0, "")
    before, named = rows(app), names(app)
    text = DIRECTORY.replace(*change, 1)
    assert text != DIRECTORY
    bad.write_text(text, encoding="utf-8")
    code, err = run(remiss, "directory", "import", str(bad))
    assert code == 1
    assert err.strip().count("\n") == 0, err
    assert err.startswith(f"remiss: {bad}:{line}: {field}: innehåller ett kontrolltecken "), err
    assert "som inte får finnas i ett namn" in err and shown_as in err
    assert rows(app) == before and names(app) == named


def test_a_block_scalar_ending_in_a_line_break_is_still_one_name(
    remiss: CliRunner, app: App, tmp_path: Path
) -> None:
    ending = BLOCK_NAME.replace("          Bcc: mallory@example.org\n", "")
    good = tmp_path / "katalog.yaml"
    line = "      - {name: Anna Ek, email: anna.ek@rjl.example.org, region: RJL}\n"
    good.write_text(DIRECTORY.replace(line, ending), encoding="utf-8")
    assert run(remiss, "directory", "import", str(good)) == (0, "")
    assert names(app) == ["Anna Ek", "RPO A"]


@pytest.mark.parametrize(
    ("change", "line", "field"),
    [
        (("title: Mastocytos, remissförslag", 'title: "Mastocytos\\r\\nBcc: x"'), 2, "title"),
        (("reference: KS-2026-099", 'reference: "KS-2026\\t099"'), 1, "reference"),
        (("issuer: Socialstyrelsen", 'issuer: "Social\\u200bstyrelsen"'), 3, "issuer"),
    ],
)
def test_a_control_character_in_a_rounds_title_is_refused_naming_the_line(
    remiss: CliRunner,
    sample_directory: App,
    smtp: RunningCatcher,
    tmp_path: Path,
    change: tuple[str, str],
    line: int,
    field: str,
) -> None:
    before = rows(sample_directory)
    bad = tmp_path / "remiss.yaml"
    bad.write_text(ROUND.replace(*change, 1), encoding="utf-8")
    code, err = run(remiss, "round", "open", str(bad), "--now", "2026-02-16T09:00")
    assert code == 1
    assert err.strip().count("\n") == 0, err
    assert err.startswith(f"remiss: {bad}:{line}: {field}: innehåller ett kontrolltecken "), err
    assert rows(sample_directory) == before
    assert smtp.catcher.received == []


def test_the_same_round_without_the_control_character_opens(
    remiss: CliRunner, sample_directory: App, tmp_path: Path
) -> None:
    good = tmp_path / "remiss.yaml"
    good.write_text(ROUND, encoding="utf-8")
    code, err = run(remiss, "round", "open", str(good), "--now", "2026-02-16T09:00")
    assert code == 0, err
    assert rows(sample_directory)["rounds"] == 1


def test_what_counts_as_a_control_character_in_a_name() -> None:
    refused = ["\r", "\n", "\t", "\x00", "\x7f", "\x85", "\u200b", "\u202e", "\u2028", "\u2029"]
    assert [control_character(f"Anna{c}Ek") for c in refused] == refused
    kept = ["Anna Ek", "Åsa Öberg-Ängström", "O'Brien", "Anna\u00a0Ek", "Zoë", "李华", "–"]
    assert [control_character(name) for name in kept] == [None] * len(kept)
    assert shown("Mallory\r\nBcc:\u202e") == "Mallory\\r\\nBcc:\\u202e"
