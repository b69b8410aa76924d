"""Render the sammanställning (the internal compilation) as a PDF for reading and printing.

The same sections as the Word file and the HTML page, on A4 with "Internt arbetsmaterial
– skickas inte" at the head and "Sida X av Y" at the foot of every page, set by
``pdf_pages`` on ReportLab's canvas: a thousand answers run to some five hundred pages,
set in about the time the Word file takes. Reviewer text is drawn as plain text, so
markup or a field code in an answer prints as written. The same model gives the same
bytes (the file is dated by the document, not the clock).
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.units import mm

from remiss.yttrande import position_chart
from remiss.yttrande.model import NO_ANSWERS, NO_COMMENTS, Yttrande
from remiss.yttrande.render import layout, outcome_table, pdf_chart
from remiss.yttrande.render.pdf_fonts import BOLD
from remiss.yttrande.render.pdf_pages import (
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TOP,
    NumberedCanvas,
    Pages,
    Style,
)

BODY = Style()
LABEL = Style(bold=True, keep_with_next=True, after=2)
ANSWER = Style(indent=11)  # the HTML's 1 em
H1 = Style(size=16, leading=20, before=14, after=10, bold=True, keep_with_next=True)
H2 = Style(size=13, leading=17, before=16, after=5, bold=True, keep_with_next=True)
H3 = Style(size=11, leading=15, before=12, after=3, bold=True, keep_with_next=True)
FIELD = Style(after=0)
LETTERHEAD = Style(after=16)
BULLET = Style(indent=11, after=3)
EVENT = Style(after=4)
MARKING_SIZE = 9
TABLE_ROOM = 72  # points: a label, the column titles and a row or two below them


class MarkedCanvas(NumberedCanvas):
    """Every page headed "Internt arbetsmaterial – skickas inte": the sammanställning is a memo."""

    def showPage(self) -> None:
        self.setFont(BOLD, MARKING_SIZE)
        self.drawString(LEFT, PAGE_HEIGHT - TOP + 8 * mm, layout.INTERNAL)
        super().showPage()


def render(yttrande: Yttrande) -> bytes:
    """Return the yttrande as PDF bytes."""
    buffer = io.BytesIO()
    header = yttrande.header
    canvas = MarkedCanvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        dated=date.fromisoformat(header.date),
        invariant=True,
        lang="sv-SE",
    )
    canvas.setTitle(yttrande.heading)
    canvas.setAuthor(header.organisation)
    canvas.setSubject(header.their_reference)
    canvas.setCreator("remiss")
    pages = Pages(canvas)

    _letterhead(pages, yttrande)
    pages.line(yttrande.heading, H1)
    pages.text(yttrande.opening, BODY)
    pages.line("Sammanfattning", H2)
    pages.text(yttrande.summary or layout.NO_SUMMARY, BODY)

    pages.line("Ställningstagande", H2)
    if not yttrande.positions:
        pages.line(layout.NO_POSITIONS, BODY)
    for section in yttrande.positions:
        chart = position_chart.chart(section)
        if chart.bars:  # the question and the picture's words with the picture's start
            pages.need(pdf_chart.room(chart, H3.before + H3.leading * 2))
        pages.line(section.question, H3)
        if section.rows:
            pages.line(chart.caption, LABEL)
            pages.line(chart.summary, BODY)
            pdf_chart.draw(pages, chart)
            _table(pages, layout.POSITION_COLUMNS, layout.position_cells(section))
        else:
            pages.line(layout.NO_POSITION_TAKEN, BODY)
        if section.disagreement:
            pages.line(layout.DISAGREEMENT, LABEL)
            for line in section.disagreement:
                pages.line(f"•  {line}", BULLET)

    pages.line("Synpunkter", H2)
    for text_section in yttrande.texts:
        pages.line(text_section.question, H3)
        if not text_section.answers:
            pages.line(NO_ANSWERS, BODY)
        for answer in text_section.answers:
            pages.line(f"{answer.attribution}:", LABEL)
            pages.text(answer.text, ANSWER)

    pages.line("Underlag", H2)
    for line in layout.underlag_lines(yttrande):
        pages.line(line, BODY)

    pages.line(layout.NON_RESPONDERS, H2)
    pages.line(layout.silent_groups_line(yttrande.underlag), BODY)
    if yttrande.underlag.non_responders:
        pages.need(TABLE_ROOM)
        pages.line(layout.non_responders_line(yttrande), LABEL)
        _table(pages, layout.NON_RESPONDER_COLUMNS, layout.non_responder_cells(yttrande))
    else:
        pages.line(layout.non_responders_line(yttrande), BODY)

    pages.line(layout.FORLOPP, H2)
    for label, text in layout.forlopp_lines(yttrande):
        pages.labelled(label, text, EVENT)
    if not yttrande.forlopp:
        pages.line(layout.NO_EVENTS, BODY)
    _appendix(pages, yttrande)
    pages.line(outcome_table.TITLE, H2)
    if yttrande.dispositions:
        _table(pages, outcome_table.COLUMNS, outcome_table.cells(yttrande))
    else:
        pages.line(outcome_table.NONE_WEIGHED, BODY)
    pages.finish()
    return buffer.getvalue()


def _letterhead(pages: Pages, yttrande: Yttrande) -> None:
    """The organisation on the left; date and references on the right."""
    header = yttrande.header
    left = [[(header.organisation, True)], [(header.unit, False)]]
    right = [
        [(f"{label}: ", True), (value, False)] for label, value in layout.header_fields(header)
    ]
    pages.columns(left, right, LETTERHEAD)


def _appendix(pages: Pages, yttrande: Yttrande) -> None:
    pages.page_break()
    pages.line(layout.APPENDIX, H2)
    if not yttrande.appendix:
        pages.line(NO_ANSWERS, BODY)
    for person in yttrande.appendix:
        pages.line(person.title, H3)
        fields = layout.person_fields(person)
        for index, (label, value) in enumerate(fields):
            pages.labelled(f"{label}: ", value, BODY if index == len(fields) - 1 else FIELD)
        if person.no_comments and not person.answers:
            pages.line(NO_COMMENTS, BODY)
        for item in person.answers:
            pages.line(item.question, LABEL)
            pages.text(item.text, BODY)
        for file in person.attachments:
            pages.labelled(f"{layout.ATTACHED}: ", file, BODY)


def _table(pages: Pages, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [width * mm for width in layout.column_widths(columns, rows)]
    pages.table(columns, rows, widths)
