"""Stored versions of the yttrande, the coordinator's summary, and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pypdf
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import clock
from remiss.core.errors import InputError, NotFound
from remiss.core.models import AuditEvent, Invitation, Person, YttrandeVersion
from remiss.core.settings import Settings
from remiss.reports.answers_csv import answers_csv
from remiss.yttrande import documents, joint, version_files, versions
from tests.yttrande.seed import KARIN_TEXT, PER_TEXT, POSITION, Builder

COORDINATOR = "kansli@sosr.example.org"
Seed = Callable[[Callable[[Builder], Any]], Any]


def compile_now(
    sessions: sessionmaker[Session], round_id: int, settings: Settings, **kwargs: Any
) -> YttrandeVersion:
    with sessions.begin() as session:
        return versions.compile_round(session, round_id, settings, COORDINATOR, **kwargs)


def stored_versions(session: Session, round_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(YttrandeVersion)
            .where(YttrandeVersion.round_id == round_id)
        )
        or 0
    )


def late_answer_from_olof(seed: Seed, round_id: int) -> None:
    def submit(b: Builder) -> None:
        olof = b.session.scalars(
            select(Invitation).join(Person).where(Person.name == "Olof Sandberg")
        ).one()
        b.answer(
            olof,
            {POSITION: "Tillstyrker", "ovrigt": "Sent men väl."},
            when=datetime(2026, 3, 20, 9, 0, tzinfo=UTC),
        )

    seed(submit)


def rendered(sessions: sessionmaker[Session], round_id: int) -> YttrandeVersion:
    """The round's newest version after its files are rendered (all formats)."""
    version_files.render_pending(sessions, [round_id])
    with sessions() as s:
        version = versions.latest(s, round_id)
    assert version is not None
    return version


def test_first_compile_stores_version_one_as_its_content_and_renders_nothing(
    sessions, round_id, settings, session, monkeypatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("compiling rendered a file")

    for module in ("memo_docx", "memo_html", "memo_pdf"):
        monkeypatch.setattr(f"remiss.yttrande.render.{module}.render", refuse)
    version = compile_now(sessions, round_id, settings)

    assert version.number == 1
    assert version.created_at == clock.now()
    assert len(version.checksum) == 64
    assert version.content["header"]["title"] == "Bröstcancer, nationellt vårdprogram"
    assert (version.docx, version.html, version.pdf) == (b"", "", None)
    assert [documents.content(version, fmt) for fmt in documents.FORMATS] == [None] * 3
    assert stored_versions(session, round_id) == 1


def test_rendering_keeps_each_file_once_from_the_stored_content(
    sessions, round_id, settings
) -> None:
    first = compile_now(sessions, round_id, settings)
    version = rendered(sessions, round_id)

    assert version.docx.startswith(b"PK")
    assert "<h1>Sammanställning" in version.html
    assert version.pdf is not None and version.pdf.startswith(b"%PDF")
    # Rendered once: nothing is left to render, and compiling again changes no file.
    assert version_files.render_pending(sessions, [round_id]) == 0
    again = compile_now(sessions, round_id, settings)
    assert again.id == first.id
    assert (again.docx, again.html, again.pdf) == (version.docx, version.html, version.pdf)


def test_only_the_formats_asked_for_are_rendered(sessions, round_id, settings, monkeypatch) -> None:
    compile_now(sessions, round_id, settings)
    made: list[str] = []
    original = version_files.render

    def counting(yttrande: Any, fmt: str) -> bytes | str:
        made.append(fmt)
        return original(yttrande, fmt)

    monkeypatch.setattr(version_files, "render", counting)

    assert version_files.render_pending(sessions, [round_id], ["docx"]) == 1
    with sessions() as s:
        version = versions.latest(s, round_id)
        assert version is not None
        assert version.docx.startswith(b"PK") and (version.html, version.pdf) == ("", None)
    assert made == ["docx"]

    assert version_files.render_pending(sessions, [round_id], ["pdf", "docx"]) == 1
    assert made == ["docx", "pdf"]
    with sessions() as s:
        assert version_files.pending(s, [round_id]) == [(version.id, ["html"])]


def test_compiling_again_with_nothing_new_returns_the_same_version(
    sessions, round_id, settings, session
) -> None:
    first = compile_now(sessions, round_id, settings)
    clock.set_now(datetime(2026, 2, 16, 15, 0, tzinfo=UTC))  # later the same day

    second = compile_now(sessions, round_id, settings)

    assert (second.id, second.number, second.checksum) == (first.id, 1, first.checksum)
    assert stored_versions(session, round_id) == 1


def test_a_new_submitted_answer_gives_version_two(
    sessions, seed, round_id, settings, session
) -> None:
    first = compile_now(sessions, round_id, settings)
    late_answer_from_olof(seed, round_id)

    second = compile_now(sessions, round_id, settings)

    assert second.number == 2
    assert second.checksum != first.checksum
    assert "Sent men väl." in json.dumps(second.content, ensure_ascii=False)
    assert "Sent men väl." in rendered(sessions, round_id).html
    assert stored_versions(session, round_id) == 2
    latest = versions.latest(session, round_id)
    assert latest is not None and latest.number == 2


def test_a_new_draft_changes_nothing(sessions, seed, round_id, settings, session) -> None:
    first = compile_now(sessions, round_id, settings)

    def draft(b: Builder) -> None:
        eva = b.session.scalars(
            select(Invitation).join(Person).where(Person.name == "Eva Holm")
        ).one()
        b.answer(
            eva, {"ovrigt": "Bara ett utkast"}, when=datetime(2026, 3, 20, tzinfo=UTC), kind="draft"
        )

    seed(draft)

    assert compile_now(sessions, round_id, settings).id == first.id


def test_compile_audits_a_new_version(sessions, round_id, settings, session) -> None:
    compile_now(sessions, round_id, settings)
    compile_now(sessions, round_id, settings)

    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "yttrande.compile")
    ).all()
    assert [(e.actor, e.round_id, e.detail["number"]) for e in events] == [
        (COORDINATOR, round_id, 1)
    ]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InputError, match="okänt format: odt"):
        documents.parse_formats("docx, odt")
    with pytest.raises(InputError, match="ange minst ett"):
        documents.parse_formats(" , ")
    assert documents.parse_formats("PDF, docx,pdf") == ["pdf", "docx"]


def test_summary_edit_appears_in_word_html_and_pdf(sessions, round_id, settings, session) -> None:
    compile_now(sessions, round_id, settings)
    with sessions.begin() as s:
        versions.update_summary(
            s,
            round_id,
            "SÖSR tillstyrker vårdprogrammet.\n\nUppföljningen behöver förtydligas.",
            "Anna Andersson, ordförande",
            COORDINATOR,
        )

    assert compile_now(sessions, round_id, settings).number == 2
    version = rendered(sessions, round_id)

    word = [p.text for p in docx.Document(io.BytesIO(version.docx)).paragraphs]
    assert "SÖSR tillstyrker vårdprogrammet." in word
    assert "Uppföljningen behöver förtydligas." in word
    assert "<p>SÖSR tillstyrker vårdprogrammet.</p>" in version.html
    # The signatory signs the yttrande that is sent; the sammanställning is signed by nobody.
    assert "Anna Andersson, ordförande" not in word
    assert "Anna Andersson, ordförande" not in version.html
    with sessions() as s:
        assert joint.build(s, round_id, settings).signatory == "Anna Andersson, ordförande"
    printed = documents.content(version, "pdf")
    assert printed is not None
    pdf_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(printed)).pages)
    assert "SÖSR tillstyrker vårdprogrammet." in pdf_text
    assert "Anna Andersson, ordförande" not in pdf_text
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "yttrande.summary")).one()
    assert (event.actor, event.round_id) == (COORDINATOR, round_id)


def test_clearing_the_summary_brings_back_the_generated_one(sessions, round_id, settings) -> None:
    with sessions.begin() as s:
        versions.update_summary(s, round_id, "Egen text", None, COORDINATOR)
    with sessions.begin() as s:
        versions.update_summary(s, round_id, "   ", "  ", COORDINATOR)

    version = compile_now(sessions, round_id, settings)

    assert version.content["summary_generated"] is True
    assert "signature" not in version.content
    with sessions() as s:
        assert joint.build(s, round_id, settings).signatory == "Samverkansnämndens presidium"


def test_unknown_round_is_not_found_everywhere(sessions, round_id, settings, session) -> None:
    missing = round_id + 1000

    with pytest.raises(NotFound):
        compile_now(sessions, missing, settings)
    for call in (
        lambda: versions.latest(session, missing),
        lambda: versions.update_summary(session, missing, "x", None, COORDINATOR),
        lambda: answers_csv(session, missing, STOCKHOLM),
    ):
        with pytest.raises(NotFound):
            call()


def test_latest_is_none_before_the_first_compile(session, round_id) -> None:
    assert versions.latest(session, round_id) is None


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONTENT = "Synpunkter på kunskapsstödets innehåll"
SECTIONS = "Synpunkter på specifika avsnitt (ange avsnitt och sida)"
STANCE = "Ställer ni er bakom kunskapsstödet?"


def test_csv_has_one_row_per_person_with_a_column_per_question(session, round_id) -> None:
    rows = csv_rows(answers_csv(session, round_id, STOCKHOLM))

    assert [r["namn"] for r in rows] == [
        "Anna Ek", "Karin Kvist", "Kristina Fransson", "Maria Lind", "Per Wallin",
    ]  # fmt: skip
    per = next(r for r in rows if r["namn"] == "Per Wallin")
    assert per[CONTENT] == PER_TEXT
    assert per["grupper"] == "RPO Cancersjukdomar, RPO Kirurgi och plastikkirurgi"
    assert per["region"] == "Region Jönköpings län"
    assert per["roll"] == "ordförande"
    assert per["inskickat"] == "2026-03-02 10:30"  # Swedish time, to the minute
    assert per[STANCE] == "Tillstyrker"
    anna = next(r for r in rows if r["namn"] == "Anna Ek")
    assert anna["inga synpunkter"] == "ja"


def test_csv_round_trips_commas_quotes_and_newlines(session, round_id) -> None:
    rows = csv_rows(answers_csv(session, round_id, STOCKHOLM))

    karin = next(r for r in rows if r["namn"] == "Karin Kvist")
    assert karin[SECTIONS] == KARIN_TEXT
    assert karin["referens"] == "KS-2026-003"


def test_csv_never_hands_excel_a_formula(seed: Seed, session) -> None:
    def fill(b: Builder) -> int:
        group = b.group("g", "Grupp")
        round_ = b.round()
        invitation = b.invite(round_, b.person("Eve Formel", "RJL"), group)
        b.answer(
            invitation, {"ovrigt": '=HYPERLINK("http://x")'}, when=datetime(2026, 3, 2, tzinfo=UTC)
        )
        return round_.id

    rows = csv_rows(answers_csv(session, seed(fill), STOCKHOLM))

    assert rows[0]["Övriga synpunkter"] == '\'=HYPERLINK("http://x")'
