"""The sender's svarsmall: a round that names one gets the yttrande filled into it (read
back with python-docx), and a template that is missing, not a Word file or asks for a field
nobody fills is refused when the round is opened, naming the file and the field."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from remiss.app import App, deliver_outbox
from remiss.core.errors import InputError
from remiss.core.models import Round, Svarsmall
from remiss.reviewers import answers
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts
from remiss.yttrande.closing import close_round
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run

EXAMPLE = EXAMPLES / "rounds" / "2026-svarsmall-kunskapsstod.yaml"
TEMPLATE = EXAMPLES / "svarsmallar" / "kunskapsstod-svarsmall.docx"
REFERENCE = "KS-2026-030"


def drafted(app: App, smtp: RunningCatcher) -> int:
    """The example round opened, answered once, closed, and a draft saved by its drafter."""
    with app.transaction() as session:
        [opened] = rounds.open_rounds(session, app.settings, roundspec.load(EXAMPLE), "test")
    deliver_outbox(app)
    token = next(r.tokens()[-1] for r in smtp.catcher.received if r.tokens())
    with app.transaction() as session:
        answers.submit(session, app.settings, token, {"stallningstagande": "Tillstyrker"},
                       no_comments=False)  # fmt: skip
        close_round(session, app.settings, opened.round_id, "test")
    with app.transaction() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None and round_.drafter is not None
        drafts.save(
            session,
            app.settings,
            opened.round_id,
            round_.drafter.email,
            {"stallningstagande": "Tillstyrker med synpunkter"},
            {
                "stallningstagande": "Vi stöder <b>rekommendationerna</b> & {{ titel }}.",
                "innehall": "Första raden\nandra raden\n\nEtt andra stycke.",
                "konsekvenser": "Kräver utbildning av personalen.",
            },
        )
    return opened.round_id


def paragraphs(content: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_yttrande_is_filled_into_the_svarsmall_the_round_names(
    sample_directory: App, smtp: RunningCatcher, remiss: CliRunner, tmp_path: Path
) -> None:
    drafted(sample_directory, smtp)
    code, out, err = run(remiss, "round", "compile", REFERENCE, "--format", "docx,svarsmall",
                         "--out", str(tmp_path))  # fmt: skip
    assert code == 0, err
    filled = tmp_path / f"{REFERENCE}-yttrande-svarsmall.docx"
    assert str(filled) in out
    assert (tmp_path / f"{REFERENCE}-yttrande.docx").is_file()  # the own letter, beside it

    text = paragraphs(filled.read_bytes())
    # The joint position and texts, each in its field; reviewer text stays text.
    after = text.index("Ställer ni er bakom kunskapsstödet?")
    assert text[after + 1] == "Tillstyrker med synpunkter"
    assert "Vi stöder <b>rekommendationerna</b> & {{ titel }}." in text
    assert "Första raden\nandra raden" in text and "Ett andra stycke." in text
    assert "Kräver utbildning av personalen." in text
    assert "Sydöstra sjukvårdsregionen har inga synpunkter." in text  # an empty joint text
    # The letter's own fields: the references, the date, the draft's status.
    assert REFERENCE in text and "Sydöstra sjukvårdsregionen" in text
    assert "Remiss: Hemorrojder, kliniskt kunskapsstöd" in text
    assert "Utkast" in text
    assert not [t for t in text if "{{" in t and "titel" not in t]

    # --format svarsmall of a round without one: one line, nothing written.
    without = EXAMPLE.read_text(encoding="utf-8").replace(REFERENCE, "KS-2026-031")
    with sample_directory.transaction() as session:
        rounds.open_rounds(session, sample_directory.settings,
                           roundspec.loads(without.replace("svarsmall: ../", "# ")), "test")  # fmt: skip
    code, _, err = run(remiss, "round", "compile", "KS-2026-031", "--format", "svarsmall",
                       "--out", str(tmp_path / "none"))  # fmt: skip
    assert code == 1 and "KS-2026-031: remissen har ingen svarsmall" in err
    assert not (tmp_path / "none").exists()


def bad_template(folder: Path, case: str) -> str:
    """A svarsmall that is wrong in one way; the path the round names."""
    if case == "missing":
        return "saknas.docx"
    if case == "not a docx":
        (folder / "svarsmall.docx").write_text("Det här är ingen Word-fil.", encoding="utf-8")
        return "svarsmall.docx"
    if case == "doc":
        shutil.copy(TEMPLATE, folder / "svarsmall.doc")
        return "svarsmall.doc"
    document = docx.Document(str(TEMPLATE))
    document.add_paragraph("Telefon: {{ kontaktperson_telefon }}")
    document.save(str(folder / "svarsmall.docx"))
    return "svarsmall.docx"


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("missing", "saknas.docx: filen finns inte"),
        ("not a docx", "svarsmall.docx: är inte en Word-fil (.docx)"),
        ("doc", "svarsmall.doc: svarsmallen ska vara en Word-fil (.docx)"),
        ("unknown field", "svarsmall.docx: fältet 'kontaktperson_telefon' i svarsmallen finns "
                          "inte i frågemallens koppling"),
    ],
)  # fmt: skip
def test_a_bad_svarsmall_is_refused_at_opening_naming_file_and_field(
    sample_directory: App, remiss: CliRunner, tmp_path: Path, case: str, said: str
) -> None:
    named = bad_template(tmp_path, case)
    path = tmp_path / "round.yaml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "../svarsmallar/kunskapsstod-svarsmall.docx", named
        ),
        encoding="utf-8",
    )
    code, _, err = run(remiss, "round", "open", str(path), "--now", "2026-02-16T09:00")
    assert code == 1
    assert f"round.yaml:15: {REFERENCE}: svarsmall: {said}" in err, err
    assert len(err.strip().splitlines()) == 1
    with sample_directory.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Round)) == 0


def test_a_kind_names_the_svarsmall_for_its_rounds(sample_directory: App, tmp_path: Path) -> None:
    """A kind's svarsmall is named relative to the directory file; a field of it that the
    question set does not know refuses its rounds, naming the template and the field."""
    from remiss.directory import sync as directory

    text = (EXAMPLES / "directory.yaml").read_text(encoding="utf-8")
    shutil.copy(TEMPLATE, tmp_path / "mall.docx")
    with_template = text.replace("      questions: default\n",
                                 "      questions: default\n      svarsmall: mall.docx\n", 1)  # fmt: skip
    assert with_template != text
    (tmp_path / "directory.yaml").write_text(with_template, encoding="utf-8")
    with sample_directory.transaction() as session:
        directory.apply(session, directory.load(tmp_path / "directory.yaml"))
    round_text = EXAMPLE.read_text(encoding="utf-8").replace("svarsmall: ../", "# ")
    with sample_directory.transaction() as session:
        [opened] = rounds.open_rounds(
            session, sample_directory.settings, roundspec.loads(round_text), "test"
        )
        kept = session.get(Svarsmall, opened.round_id)
        assert kept is not None and kept.name == "mall.docx"
        assert kept.fields["stallningstagande"] == "stallningstagande.position"

    # The same kind with a set that names its fields otherwise: refused, naming both.
    other = round_text.replace(REFERENCE, "KS-2026-032") + "questions: rcc\n"
    with pytest.raises(InputError) as refused, sample_directory.transaction() as session:
        rounds.open_rounds(session, sample_directory.settings, roundspec.loads(other), "test")
    message = str(refused.value)
    assert "KS-2026-032: svarsmall:" in message and "mall.docx: fältet" in message
    assert "finns inte i frågemallens koppling" in message


def test_an_uploaded_round_file_may_not_point_at_a_file_on_the_server(
    sample_directory: App,
) -> None:
    uploaded = EXAMPLE.read_text(encoding="utf-8").replace(
        "../svarsmallar/kunskapsstod-svarsmall.docx", str(TEMPLATE)
    )
    refused = pytest.raises(
        InputError, match="en uppladdad remissfil kan inte peka ut en svarsmall"
    )
    with refused, sample_directory.transaction() as session:
        rounds.open_rounds(
            session, sample_directory.settings, roundspec.loads(uploaded, "upload.yaml"), "t"
        )
