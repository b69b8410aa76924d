"""The rendered yttrande: a formal Word document, an HTML page and its PDF print."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.errors import RemissError
from remiss.core.settings import Settings
from remiss.yttrande.compile import build
from remiss.yttrande.model import Answer, Yttrande
from remiss.yttrande.render import memo_docx as docx_render
from remiss.yttrande.render import memo_html as html_render
from remiss.yttrande.render import memo_pdf as pdf_render
from remiss.yttrande.render import pdf_fonts, weasy
from remiss.yttrande.version_files import render_pending
from remiss.yttrande.versions import compile_round, latest
from tests.yttrande.seed import (
    DRAFT_TEXT,
    KARIN_TEXT,
    KRISTINA_TEXT,
    LATE_DRAFT_TEXT,
    PER_TEXT,
    Builder,
    at,
)

HEADING = "Sammanställning: Bröstcancer, nationellt vårdprogram"
APPENDIX = "Bilaga: Inkomna synpunkter per person"


@pytest.fixture
def yttrande(sessions: sessionmaker[Session], round_id: int, settings: Settings) -> Yttrande:
    with sessions() as session:
        return build(session, round_id, settings)


def word_paragraphs(data: bytes) -> list[str]:
    """Every paragraph of a DOCX, body and table cells, in document order."""
    document = docx.Document(io.BytesIO(data))
    texts = []
    for block in document.element.body.iter():
        if block.tag.endswith("}p"):
            texts.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
    return texts


def word_text_of(data: bytes) -> str:
    """The document's text: line breaks as newlines, paragraphs apart by a blank line."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.element.body.iter():
        if block.tag.endswith("}p"):
            parts = []
            for node in block.iter():
                if node.tag.endswith("}t"):
                    parts.append(node.text or "")
                elif node.tag.endswith("}br"):
                    parts.append("\n")
            lines.append("".join(parts))
    return "\n\n".join(lines)


def test_word_document_has_the_formal_outline(yttrande: Yttrande) -> None:
    paragraphs = word_paragraphs(docx_render.render(yttrande))

    assert HEADING in paragraphs
    for section in ("Sammanfattning", "Ställningstagande", "Synpunkter", "Underlag"):
        assert section in paragraphs
    assert "Datum: 16 februari 2026" in paragraphs
    assert "Er referens: KS-2026-003" in paragraphs
    assert "Vår referens: SÖSR-2026-017" in paragraphs
    headings = ["Underlag", "Har inte inkommit med svar", "Förlopp", APPENDIX]
    places = [paragraphs.index(heading) for heading in headings]
    assert places == sorted(places)
    # A memo: sent to nobody, signed by nobody.
    assert not any(p.startswith(("Till:", "För Sydöstra", "Handläggare:")) for p in paragraphs)
    assert "Samverkansnämndens presidium" not in paragraphs


def test_word_document_is_a4_and_starts_the_appendix_on_a_new_page(yttrande: Yttrande) -> None:
    data = docx_render.render(yttrande)
    section = docx.Document(io.BytesIO(data)).sections[0]

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert body.index('w:type="page"') < body.index("Bilaga: Inkomna synpunkter per person")


def test_word_document_keeps_every_answer_verbatim_with_its_paragraphs(
    yttrande: Yttrande,
) -> None:
    data = docx_render.render(yttrande)
    text = word_text_of(data)
    paragraphs = word_paragraphs(data)

    assert PER_TEXT in text
    assert KARIN_TEXT in text
    assert KRISTINA_TEXT in text
    # Two paragraphs stay two Word paragraphs; a single line break stays inside one.
    assert "Vårdprogrammet är väl genomarbetat." in paragraphs
    assert (
        "Avsnittet om uppföljning bör dock kompletteras med"
        "ansvarsfördelningen mellan regionerna." in paragraphs
    )


def test_word_document_attributes_answers_to_group_and_region(yttrande: Yttrande) -> None:
    paragraphs = word_paragraphs(docx_render.render(yttrande))

    assert (
        "RPO Cancersjukdomar, RPO Kirurgi och plastikkirurgi — Region Jönköpings län:" in paragraphs
    )
    assert "RPO Kirurgi och plastikkirurgi — Region Östergötland:" in paragraphs
    assert "Inga synpunkter har inkommit." in paragraphs  # nobody wrote under Övrigt


def test_word_document_names_disagreement_and_who_did_not_answer(yttrande: Yttrande) -> None:
    text = word_text_of(docx_render.render(yttrande))

    assert "Meningsskiljaktighet" in text
    assert (
        "Regionerna skiljer sig åt: Region Jönköpings län och Region Kalmar län tillstyrker; "
        "Region Östergötland avstyrker." in text
    )
    missing = text[text.index("Har inte inkommit med svar") : text.index("Förlopp")]
    assert "Grupper: Kunskapsråd Hälsa och rehabilitering." in missing
    assert missing.index("Grupper:") < missing.index("Personer:")
    assert "Eva Holm" in missing
    assert "Olof Sandberg" in missing
    assert "Fem av sju tillfrågade personer har svarat." in text


def test_word_document_leaves_out_drafts(yttrande: Yttrande) -> None:
    text = word_text_of(docx_render.render(yttrande))

    assert DRAFT_TEXT not in text
    assert LATE_DRAFT_TEXT not in text


def test_word_document_keeps_markup_and_field_codes_as_literal_text(yttrande: Yttrande) -> None:
    data = docx_render.render(yttrande)
    text = word_text_of(data)
    package = zipfile.ZipFile(io.BytesIO(data))
    xml = "".join(
        package.read(name).decode() for name in package.namelist() if name.endswith(".xml")
    )

    assert "<script>alert(1)</script>" in text
    assert "{ MERGEFIELD Name }" in text
    assert "w:fldSimple" not in xml
    # The only fields are the footer's page numbers; nothing a reviewer wrote is one.
    body = package.read("word/document.xml").decode()
    assert "w:instrText" not in body
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
    assert sorted({i.strip() for i in instructions}) == ["NUMPAGES", "PAGE"]
    assert "w:fldChar" not in body


def test_word_document_is_dated_by_the_yttrande_not_the_wall_clock(yttrande: Yttrande) -> None:
    data = docx_render.render(yttrande)
    props = docx.Document(io.BytesIO(data)).core_properties

    assert props.created is not None
    assert props.created.date().isoformat() == "2026-02-16"
    assert props.modified == props.created
    assert props.title == HEADING
    assert docx_render.render(yttrande) == data


def test_html_escapes_reviewer_markup_and_carries_no_script(yttrande: Yttrande) -> None:
    page = html_render.render(yttrande)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "{ MERGEFIELD Name }" in page


def test_html_keeps_paragraphs_and_line_breaks(yttrande: Yttrande) -> None:
    page = html_render.render(yttrande)

    assert "<p>Vårdprogrammet är väl genomarbetat.</p>" in page
    assert (
        "<p>Avsnittet om uppföljning bör dock kompletteras med<br>"
        "ansvarsfördelningen mellan regionerna.</p>" in page
    )


def test_html_is_self_contained_with_a4_print_css(yttrande: Yttrande) -> None:
    page = html_render.render(yttrande)

    assert f"<h1>{HEADING}</h1>" in page
    assert "size: A4" in page
    assert "counter(page)" in page
    assert "<link" not in page
    assert "src=" not in page


def test_pdf_prints_heading_and_answers(yttrande: Yttrande) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf_render.render(yttrande)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)

    assert HEADING in text
    assert "Vårdprogrammet är väl genomarbetat." in text
    assert "Kräver fler operationssalar, minst två, vilket saknar finansiering." in text
    assert "<script>alert(1)</script>" in text
    assert "{ MERGEFIELD Name }" in text
    assert DRAFT_TEXT not in text
    assert LATE_DRAFT_TEXT not in text
    # Every page numbered "Sida X av Y"; the bilaga starts a page of its own.
    assert all(f"Sida {n} av {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert any(page.startswith("Bilaga: Inkomna synpunkter per person") for page in pages)
    # The sections before the bilaga, the picture of the positions taking most of a page.
    for heading in ("Sammanfattning", "Ställningstagande", "Synpunkter", "Underlag"):
        assert heading in " ".join(pages[:3])
    # Who said what: the attribution before the text, and the person in the bilaga.
    assert "RPO Cancersjukdomar, RPO Kirurgi och plastikkirurgi — Region Jönköpings län:" in text
    assert "Per Wallin Roll: ordförande" in text
    assert reader.metadata is not None and reader.metadata.title == HEADING


def test_pdf_is_the_same_bytes_for_the_same_model(yttrande: Yttrande) -> None:
    assert pdf_render.render(yttrande) == pdf_render.render(yttrande)


def test_pdf_prints_any_letters_and_a_word_wider_than_the_page(yttrande: Yttrande) -> None:
    # Names and text beyond Latin-1, more distinct characters than one font subset holds
    # (so a second subset is used), and an address with no space to break at.
    cyrillic = "".join(chr(code) for code in range(0x410, 0x450))
    greek = "".join(chr(code) for code in range(0x3B1, 0x3CA) if code != 0x3C2)
    symbols = "≥ ≤ ± → – — … ‰ € “ ” Ł ł Ś ś Ż ż Ğ ğ Ş ş İ ı Ő ő Ű ű Ą ą Ę ę Ć ć Ń ń Ź ź"
    url = "https://example.org/" + "abcdefghij" * 20
    text = f"Łukasz Wójcik, ≥ 65 år.\n{cyrillic}\n{greek}\n{symbols}\n{url}"
    person = dataclasses.replace(yttrande.appendix[0], name="Łukasz Wójcik")
    answer = Answer(attribution="Grupp — Region", text=text)
    section = dataclasses.replace(yttrande.texts[0], answers=(answer,))
    changed = dataclasses.replace(
        yttrande, texts=(section, *yttrande.texts[1:]), appendix=(person,)
    )

    reader = pypdf.PdfReader(io.BytesIO(pdf_render.render(changed)))
    printed = "".join(page.extract_text() for page in reader.pages).replace("\n", "")

    for expected in ("Łukasz Wójcik, ≥ 65 år.", cyrillic, greek, symbols.replace(" ", "")):
        assert expected.replace(" ", "") in printed.replace(" ", "")
    assert url in printed


def test_pdf_falls_back_to_the_font_reportlab_ships(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = (Path("/nonexistent"), ("Regular.ttf", "Bold.ttf"))
    monkeypatch.setattr(pdf_fonts, "FONT_CHOICES", (missing, pdf_fonts.FONT_CHOICES[-1]))
    regular, bold = pdf_fonts.font_files()
    assert (regular.name, bold.name) == ("Vera.ttf", "VeraBd.ttf") and regular.is_file()


def test_missing_weasyprint_is_a_clear_error_naming_the_libraries(
    yttrande: Yttrande, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stands in for a machine without WeasyPrint: the import fails as it would there.
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)

    with pytest.raises(RemissError) as raised:
        weasy.from_html(html_render.render(yttrande))

    assert "libpango-1.0-0" in str(raised.value)
    assert "libpangoft2-1.0-0" in str(raised.value)


def test_round_without_any_answers_compiles_in_every_format(
    sessions: sessionmaker[Session], round_where, settings: Settings
) -> None:
    round_id = round_where(None, None, None)

    with sessions.begin() as session:
        compile_round(session, round_id, settings, "kansli@sosr.example.org")
    assert render_pending(sessions, [round_id]) == 3
    with sessions() as session:
        version = latest(session, round_id)
    assert version is not None and version.pdf is not None

    word = word_text_of(version.docx)
    assert word.count("Inga synpunkter har inkommit.") >= 5  # every text question, and the bilaga
    assert "Ingen grupp har tagit ställning." in word
    assert "Grupper: Grupp 1, Grupp 2, Grupp 3." in word
    assert "Ingen av de tre tillfrågade personerna har svarat." in word
    assert "Alla tillfrågade personer har svarat." not in word
    assert "0 av" not in word
    assert "Inga synpunkter har inkommit." in version.html
    assert "Inga synpunkter har inkommit." in pypdf.PdfReader(io.BytesIO(version.pdf)).pages[
        0
    ].extract_text().replace("\n", " ")


def test_word_document_survives_control_characters_pasted_into_an_answer(
    sessions: sessionmaker[Session], seed, settings: Settings
) -> None:
    def fill(b: Builder) -> int:
        group = b.group("g", "Grupp")
        round_ = b.round()
        invitation = b.invite(round_, b.person("Per Wallin", "RJL"), group)
        b.answer(invitation, {"ovrigt": "Före\x0bEfter\x00\tslut"}, when=at(2))
        return round_.id

    with sessions() as session:
        yttrande = build(session, seed(fill), settings)

    assert "FöreEfter\tslut" in word_text_of(docx_render.render(yttrande))
