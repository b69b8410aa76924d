"""``remiss register --meeting``: the remisser for an RSL AU meeting, as Word and as PDF.

Rounds in every state (``tests.every_state``), driven there by the services over the real
database; the command writes one document whose four sections hold the right rounds, each
a punkt numbered across the document, read back with python-docx and pypdf.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from typer.testing import CliRunner

from remiss.app import App, deliver_outbox
from remiss.reports.meeting_pack import SECTIONS
from tests import every_state
from tests.every_state import World
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run

MEETING = "2026-04-14"  # the previous meeting, 14 days before: 31 March
# Document order: the section, then its rounds by national deadline and reference.
EXPECTED = [
    (SECTIONS[0], "OV-INKOMMEN"),
    (SECTIONS[1], "OV-SKICKAD"),
    (SECTIONS[2], "OV-AVSTAR"),
    (SECTIONS[2], "OV-PER-REGION"),
    (SECTIONS[3], "OV-BEREDNING"),
    (SECTIONS[3], "OV-OPPEN"),
]
PUNKT = re.compile(r"Punkt (\d+)\. (OV-[A-Z-]+):")


@pytest.fixture
def world(sample_directory: App, smtp: RunningCatcher) -> World:
    return every_state.build(
        sample_directory, smtp.catcher, lambda: deliver_outbox(sample_directory)
    )


def write(remiss: CliRunner, *args: str) -> Path:
    code, out, err = run(remiss, "register", *args)
    assert code == 0, err
    path = Path(out.strip())
    assert path.exists(), out
    return path


def docx_lines(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def pdf_text(path: Path) -> str:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def sections_of(lines: list[str]) -> list[tuple[str, str]]:
    """(section, reference) for each punkt, in the document's order."""
    found, section = [], ""
    for line in lines:
        if line in SECTIONS:
            section = line
        match = PUNKT.match(line)
        if match:
            found.append((section, match.group(2)))
    return found


def test_the_word_pack_has_four_sections_and_numbers_its_punkter(
    remiss: CliRunner, world: World, tmp_path: Path
) -> None:
    path = write(remiss, "--meeting", MEETING, "--format", "docx", "--out", str(tmp_path))
    assert path == tmp_path / "RSL-AU-2026-04-14-remisser.docx"
    lines = docx_lines(path)
    assert "Remisser till RSL AU 14 april 2026" in lines
    assert [line for line in lines if line in SECTIONS] == list(SECTIONS)
    assert sections_of(lines) == EXPECTED
    numbers = [int(m.group(1)) for line in lines if (m := PUNKT.match(line))]
    assert numbers == list(range(1, len(EXPECTED) + 1))

    def facts(reference: str) -> list[str]:
        start = next(i for i, line in enumerate(lines) if f" {reference}:" in line)
        end = next((i for i in range(start + 1, len(lines)) if PUNKT.match(lines[i])), len(lines))
        return lines[start + 1 : end]

    # To triage: its kind proposes per region; who routing would reach now.
    inkommen = facts("OV-INKOMMEN")
    assert "Avsändare: Socialstyrelsen" in inkommen
    assert "Typ: synpunktsinhämtning" in inkommen
    assert "Nationell svarsdag: 29 maj 2026" in inkommen
    assert "Förslag till beslut: besvaras per region" in inkommen
    assert "Tillfrågas: RPO Cancersjukdomar (4 personer)" in inkommen
    assert "För kännedom: Kunskapsråd kirurgi och cancer" in inkommen
    # Answered: the joint position of the sent draft, and the decision.
    sent = facts("OV-SKICKAD")
    assert "Skickat: 9 april 2026" in sent
    assert f"Ställningstagande: {every_state.JOINT_POSITION}" in sent
    assert "Beslut: Samverkansnämndens presidium, 8 april 2026, § 14" in sent
    assert "Ansvarig grupp: RSG Medicinsk teknik" in sent
    # Not answered jointly, with the reason.
    assert "Beslut: besvaras inte (avstår)" in facts("OV-AVSTAR")
    assert f"Skäl: {every_state.AVSTAR_REASON}" in facts("OV-AVSTAR")
    assert "Beslut: besvaras per region" in facts("OV-PER-REGION")
    assert "Beslutat: 1 april 2026" in facts("OV-PER-REGION")
    # Under way: the state and both deadlines.
    beredning = facts("OV-BEREDNING")
    assert "Status: beredning" in beredning and "Nationell svarsdag: 14 april 2026" in beredning
    assert any(line.startswith("Intern svarsdag: ") for line in beredning)
    assert "Status: öppen" in facts("OV-OPPEN")


def test_the_pdf_pack_says_the_same(remiss: CliRunner, world: World, tmp_path: Path) -> None:
    path = write(remiss, "--meeting", MEETING, "--format", "pdf", "--out", str(tmp_path))
    assert path.name == "RSL-AU-2026-04-14-remisser.pdf"
    text = pdf_text(path)
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    found = [(int(n), ref) for n, ref in PUNKT.findall(text)]
    assert found == [(n, ref) for n, (_section, ref) in enumerate(EXPECTED, start=1)]
    assert "Samverkansnämndens presidium, 8 april 2026, § 14" in text
    assert every_state.AVSTAR_REASON in text


def test_what_was_sent_before_the_previous_meeting_is_not_reported_again(
    remiss: CliRunner, world: World, tmp_path: Path
) -> None:
    # The meeting after: its previous one (16 April) came after the sending and the triage.
    lines = docx_lines(write(remiss, "--meeting", "2026-04-30", "--out", str(tmp_path)))
    assert sections_of(lines) == [
        (SECTIONS[0], "OV-INKOMMEN"),
        (SECTIONS[3], "OV-BEREDNING"),
        (SECTIONS[3], "OV-OPPEN"),
    ]
    assert lines.count("Inga remisser.") == 2
    # Told when the previous meeting was, it reaches back to it.
    lines = docx_lines(
        write(remiss, "--meeting", "2026-04-30", "--since", "2026-04-01", "--out", str(tmp_path))
    )
    assert sections_of(lines) == EXPECTED
    lines = docx_lines(
        write(remiss, "--meeting", "2026-04-30", "--since", "2026-04-02", "--out", str(tmp_path))
    )
    assert [ref for _s, ref in sections_of(lines)] == [
        "OV-INKOMMEN", "OV-SKICKAD", "OV-BEREDNING", "OV-OPPEN",
    ]  # fmt: skip


def test_the_register_still_writes_its_table_and_csv(remiss: CliRunner, world: World) -> None:
    code, out, err = run(remiss, "register")
    assert code == 0, err
    assert out.startswith("diarienummer") and "OV-SKICKAD" in out
    code, out, err = run(remiss, "register", "--format", "csv")
    assert code == 0, err
    assert out.startswith("\ufefftyp;") and out.count("\n") == 1 + len(world.ids)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--meeting", "2026-04-14", "--format", "csv"], "med --meeting välj docx eller pdf"),
        (["--meeting", "14/4"], "--meeting: förväntade ett datum"),
        (["--meeting", "2026-04-14", "--since", "2026-04-20"], "ligger efter mötet"),
        (["--meeting", "2026-04-14", "--from", "2026-01-01"], "gäller inte med --meeting"),
        (["--since", "2026-04-01"], "--since gäller bara med --meeting"),
    ],
)
def test_a_bad_meeting_option_is_one_line_and_writes_nothing(
    remiss: CliRunner, sample_directory: App, tmp_path: Path, args: list[str], said: str
) -> None:
    code, out, err = run(remiss, "register", *args, "--out", str(tmp_path / "x"))
    assert code == 1 and said in err and err.count("\n") == 1
    assert out == "" and not (tmp_path / "x").exists()
