"""A round file with several errors names them all in one run, each with its file, its
line and what was expected, and opens nothing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.test_cli import run

# Three mistakes a coordinator makes: 31 April, a misspelt field, an address cut short;
# and an empty title that YAML reads as nothing.
THREE = """\
reference: FEL-1
title: Tre fel
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar]
deadline: 2026-04-31
coordinator: kansli@
documnets: []
"""
BATCH = """\
defaults:
  issuer: Socialstyrelsen
  coordinator: kansli@sosr.example.org
rounds:
  - reference: B-1
    title: Första
    areas: [sallsynta-sjukdomar]
    deadline: 2026-04-14
  - reference: B-2
    title:
    areas: [sallsynta-sjukdomar]
    deadline: 14 april
  - reference: B-1
    title: Tredje
    areas: [sallsynta-sjukdomar]
    deadline: 2026-04-14
"""
UNROUTED = """\
defaults:
  issuer: Socialstyrelsen
  coordinator: kansli@sosr.example.org
  deadline: 2026-04-14
rounds:
  - {reference: R-1, title: Ett, areas: [sallsynta-sjukdomr]}
  - {reference: R-2, title: Två, areas: [sallsynta-sjukdomar]}
  - {reference: R-3, title: Tre, groups: [finns-inte]}
"""


def opened(remiss: CliRunner, path: Path) -> tuple[int, list[str], str]:
    code, out, err = run(remiss, "round", "open", str(path), "--now", "2026-02-23T09:00")
    return code, err.splitlines(), out


def test_three_errors_in_one_file_are_named_at_once_with_their_lines(
    remiss: CliRunner, tmp_path: Path
) -> None:
    assert run(remiss, "db", "upgrade")[0] == 0
    assert run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))[0] == 0
    path = tmp_path / "round.yaml"
    path.write_text(THREE, encoding="utf-8")
    code, lines, out = opened(remiss, path)
    assert code == 1 and out == ""
    # A misspelt field first (it is most often what the rest comes of), then by line.
    assert lines == [
        f"remiss: {path}:7: documnets: okänt fält 'documnets'",
        f"remiss: {path}:5: deadline: ogiltigt värde '2026-04-31' (förväntade ett datum "
        "ÅÅÅÅ-MM-DD)",
        f"remiss: {path}:6: coordinator: 'kansli@' är ingen giltig e-postadress",
    ]
    assert "Inga remisser" in run(remiss, "round", "list")[1]


def test_a_batch_names_an_error_in_each_round_and_a_reference_used_twice(
    remiss: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "batch.yaml"
    path.write_text(BATCH, encoding="utf-8")
    code, lines, _ = opened(remiss, path)
    assert code == 1
    assert lines == [
        f"remiss: {path}:10: rounds[1].title: förväntade text",
        f"remiss: {path}:12: rounds[1].deadline: förväntade ett datum (ÅÅÅÅ-MM-DD) "
        "(angivet: '14 april')",
        f"remiss: {path}:13: referensen 'B-1' används två gånger i filen",
    ]


def test_rounds_the_directory_cannot_route_are_named_together(
    remiss: CliRunner, tmp_path: Path
) -> None:
    assert run(remiss, "db", "upgrade")[0] == 0
    assert run(remiss, "directory", "import", str(EXAMPLES / "directory.yaml"))[0] == 0
    path = tmp_path / "batch.yaml"
    path.write_text(UNROUTED, encoding="utf-8")
    code, lines, _ = opened(remiss, path)
    assert code == 1
    assert [line.split(": ", 3)[1:3] for line in lines] == [
        [f"{path}:6", "R-1"],
        [f"{path}:8", "R-3"],
    ]
    assert "okänt område 'sallsynta-sjukdomr'" in lines[0]
    assert "finns-inte" in lines[1]
    assert "Inga remisser" in run(remiss, "round", "list")[1]
