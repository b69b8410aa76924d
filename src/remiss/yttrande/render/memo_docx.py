"""Render the sammanställning (the internal compilation) as an editable Word document.

Reviewer text is data: it goes in as plain runs, split into paragraphs and line
breaks, so a '{ MERGEFIELD }' or '<script>' in an answer stays literal text. The
file's dates and zip timestamps come from the yttrande's date, so the same model
gives the same bytes.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK

from remiss.yttrande import position_chart
from remiss.yttrande.model import NO_ANSWERS, NO_COMMENTS, Yttrande
from remiss.yttrande.render import docx_common, layout, outcome_table


def render(yttrande: Yttrande) -> bytes:
    """Return the yttrande as DOCX bytes."""
    document = Document()
    docx_common.setup(document, yttrande.header, yttrande.heading)
    _header(document, yttrande)
    body = docx_common.Body(document)
    body.add_heading(yttrande.heading, level=1)
    docx_common.text(body, yttrande.opening)

    body.add_heading("Sammanfattning", level=2)
    docx_common.text(body, yttrande.summary or layout.NO_SUMMARY)

    body.add_heading("Ställningstagande", level=2)
    if not yttrande.positions:
        body.add_paragraph(layout.NO_POSITIONS)
    for section in yttrande.positions:
        body.add_heading(section.question, level=3)
        if section.rows:
            # The picture's caption and its words; its numbers are the table (no image).
            chart = position_chart.chart(section)
            docx_common.labelled(body, chart.caption, "")
            body.add_paragraph(docx_common.clean(chart.summary))
            _table(document, layout.POSITION_COLUMNS, layout.position_cells(section))
        else:
            body.add_paragraph(layout.NO_POSITION_TAKEN)
        if section.disagreement:
            docx_common.labelled(body, layout.DISAGREEMENT, "")
            for line in section.disagreement:
                body.add_paragraph(docx_common.clean(line), style="List Bullet")

    body.add_heading("Synpunkter", level=2)
    for text_section in yttrande.texts:
        body.add_heading(text_section.question, level=3)
        if not text_section.answers:
            body.add_paragraph(NO_ANSWERS)
        for answer in text_section.answers:
            docx_common.labelled(body, f"{answer.attribution}:", "")
            docx_common.text(body, answer.text)

    body.add_heading("Underlag", level=2)
    for line in layout.underlag_lines(yttrande):
        body.add_paragraph(docx_common.clean(line))

    body.add_heading(layout.NON_RESPONDERS, level=2)
    body.add_paragraph(docx_common.clean(layout.silent_groups_line(yttrande.underlag)))
    body.add_paragraph(docx_common.clean(layout.non_responders_line(yttrande)))
    if yttrande.underlag.non_responders:
        _table(document, layout.NON_RESPONDER_COLUMNS, layout.non_responder_cells(yttrande))

    body.add_heading(layout.FORLOPP, level=2)
    for label, text in layout.forlopp_lines(yttrande):
        docx_common.labelled(body, label, text)
    if not yttrande.forlopp:
        body.add_paragraph(layout.NO_EVENTS)

    _appendix(body, yttrande)
    body.add_heading(outcome_table.TITLE, level=2)
    if yttrande.dispositions:
        _table(document, outcome_table.COLUMNS, outcome_table.cells(yttrande))
    else:
        body.add_paragraph(outcome_table.NONE_WEIGHED)

    buffer = io.BytesIO()
    document.save(buffer)
    return docx_common.fixed_zip(buffer.getvalue(), date.fromisoformat(yttrande.header.date))


def _header(document: DocumentObject, yttrande: Yttrande) -> None:
    """ "Internt arbetsmaterial – skickas inte" at the head of every page, then the letterhead
    (addressed to nobody: the sammanställning is not sent)."""
    for section in document.sections:
        marking = section.header.paragraphs[0]
        marking.style = document.styles["Normal"]
        docx_common.add_run(marking, layout.INTERNAL, bold=True)
    docx_common.header_block(
        document, yttrande.header, layout.header_fields(yttrande.header), addressed=False
    )


def _appendix(body: docx_common.Body, yttrande: Yttrande) -> None:
    body.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    body.add_heading(layout.APPENDIX, level=2)
    if not yttrande.appendix:
        body.add_paragraph(NO_ANSWERS)
    for person in yttrande.appendix:
        body.add_heading(person.title, level=3)
        for label, value in layout.person_fields(person):
            docx_common.labelled(body, f"{label}: ", value)
        if person.no_comments and not person.answers:
            body.add_paragraph(NO_COMMENTS)
        for item in person.answers:
            docx_common.labelled(body, item.question, "")
            docx_common.text(body, item.text)
        for file in person.attachments:
            docx_common.labelled(body, f"{layout.ATTACHED}: ", file)


def _table(document: DocumentObject, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    docx_common.repeat_as_header(table.rows[0])
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(docx_common.clean(value))
    docx_common.fit_columns(table, columns, rows)
    document.add_paragraph()
