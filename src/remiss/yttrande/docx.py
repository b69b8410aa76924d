"""Render the yttrande as an editable Word document (python-docx).

Reviewer text is data: it goes in as plain runs, split into paragraphs and line
breaks, so a '{ MERGEFIELD }' or '<script>' in an answer stays literal text. The
file's dates and zip timestamps come from the yttrande's date, so the same model
gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from remiss.yttrande import layout
from remiss.yttrande.model import NO_ANSWERS, NO_COMMENTS, Yttrande, paragraphs

# Characters XML 1.0 cannot hold; a pasted answer may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Container = DocumentObject | _Cell


def render(yttrande: Yttrande) -> bytes:
    """Return the yttrande as DOCX bytes."""
    document = Document()
    _setup(document, yttrande)
    _header(document, yttrande)
    document.add_heading(yttrande.heading, level=1)
    _text(document, yttrande.opening)

    document.add_heading("Sammanfattning", level=2)
    _text(document, yttrande.summary or layout.NO_SUMMARY)

    document.add_heading("Ställningstagande", level=2)
    if not yttrande.positions:
        document.add_paragraph(layout.NO_POSITIONS)
    for section in yttrande.positions:
        document.add_heading(section.question, level=3)
        if section.rows:
            _table(document, layout.POSITION_COLUMNS, layout.position_cells(section))
        else:
            document.add_paragraph(layout.NO_POSITION_TAKEN)
        if section.disagreement:
            _labelled(document, layout.DISAGREEMENT, "")
            for line in section.disagreement:
                document.add_paragraph(line, style="List Bullet")

    document.add_heading("Synpunkter", level=2)
    for text_section in yttrande.texts:
        document.add_heading(text_section.question, level=3)
        if not text_section.answers:
            document.add_paragraph(NO_ANSWERS)
        for answer in text_section.answers:
            _labelled(document, f"{answer.attribution}:", "")
            _text(document, answer.text)

    document.add_heading("Underlag", level=2)
    for line in layout.underlag_lines(yttrande.underlag):
        document.add_paragraph(line)

    _signature(document, yttrande)
    _appendix(document, yttrande)

    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), date.fromisoformat(yttrande.header.date))


def _setup(document: DocumentObject, yttrande: Yttrande) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(22)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if rpr is not None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "sv-SE")
        rpr.append(lang)

    moment = datetime.combine(date.fromisoformat(yttrande.header.date), datetime.min.time(), UTC)
    props = document.core_properties
    props.title = yttrande.heading
    props.subject = yttrande.header.their_reference
    props.author = props.last_modified_by = yttrande.header.organisation
    props.comments = ""
    props.keywords = ""
    props.language = "sv-SE"
    props.revision = 1
    props.created = props.modified = props.last_printed = moment


def _header(document: DocumentObject, yttrande: Yttrande) -> None:
    header = yttrande.header
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(header.organisation).bold = True
    left.add_paragraph(header.unit)
    first = True
    for label, value in layout.header_fields(header):
        paragraph = right.paragraphs[0] if first else right.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(_clean(value))
        first = False
    document.add_paragraph()
    _labelled(document, "Till: ", header.recipient)


def _signature(document: DocumentObject, yttrande: Yttrande) -> None:
    signature = yttrande.signature
    document.add_paragraph()
    document.add_paragraph(f"För {signature.organisation}")
    document.add_paragraph()
    document.add_paragraph(_clean(signature.signatory))
    _labelled(document, "Handläggare: ", signature.coordinator)


def _appendix(document: DocumentObject, yttrande: Yttrande) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(layout.APPENDIX, level=2)
    if not yttrande.appendix:
        document.add_paragraph(NO_ANSWERS)
    for person in yttrande.appendix:
        document.add_heading(person.name, level=3)
        for label, value in layout.person_fields(person):
            _labelled(document, f"{label}: ", value)
        if person.no_comments and not person.answers:
            document.add_paragraph(NO_COMMENTS)
        for item in person.answers:
            _labelled(document, item.question, "")
            _text(document, item.text)
    if yttrande.underlag.non_responders:
        document.add_heading(layout.NON_RESPONDERS, level=3)
        _table(document, layout.NON_RESPONDER_COLUMNS, layout.non_responder_cells(yttrande))


def _table(document: DocumentObject, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(_clean(value))
    document.add_paragraph()


def _labelled(document: DocumentObject, label: str, value: str) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.add_run(_clean(label)).bold = True
    if value:
        paragraph.add_run(_clean(value))
    return paragraph


def _text(container: Container, text: str) -> None:
    """Add reviewer text as plain runs: a paragraph per paragraph, breaks for lines."""
    for lines in paragraphs(text):
        paragraph = container.add_paragraph()
        for index, line in enumerate(lines):
            run = paragraph.add_run()
            if index:
                run.add_break()
            run.add_text(_clean(line))


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _fixed_zip(data: bytes, day: date) -> bytes:
    """Rewrite the package with every member dated ``day``: python-docx stamps the wall clock."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
