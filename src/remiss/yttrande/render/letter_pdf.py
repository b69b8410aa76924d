"""Render the letter (the yttrande that is sent) as a tagged PDF/UA-1 on A4.

What its HTML page and Word file have, in the same order: the Förslag/Utkast note, the
letterhead, Till, the heading, the joint sentence, Ställningstagande, Synpunkter, Beslut,
the signature and Handläggare. Set on ReportLab's canvas by ``pdf_pages`` as the
sammanställning is, so a proposal built from a thousand answers takes about the time its
Word file takes; tagged by ``pdf_tags`` (headings, paragraphs, the page numbers as
decoration). The signature is never alone at the top of a page: at least the last line of
the text before it goes with it. The same letter gives the same bytes.
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib import colors

from remiss.yttrande.joint import JointAnswer
from remiss.yttrande.model import paragraphs
from remiss.yttrande.render import layout, pdf_tags
from remiss.yttrande.render.pdf_fonts import REGULAR, register_fonts
from remiss.yttrande.render.pdf_lines import Line
from remiss.yttrande.render.pdf_pages import (
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TEXT_WIDTH,
    NumberedCanvas,
    Pages,
    Style,
)

LANG = "sv-SE"
BODY = Style(leading=16)  # the HTML's line-height 1.45
NOTE = Style(bold=True, indent=8, after=20)
LETTERHEAD = Style(after=16)
H1 = Style(size=16, leading=20, before=14, after=10, bold=True, keep_with_next=True, role="H1")
H2 = Style(size=13, leading=17, before=16, after=5, bold=True, keep_with_next=True, role="H2")
H3 = Style(size=11, leading=15, before=12, after=3, bold=True, keep_with_next=True, role="H3")
SIGNED = Style(leading=16, before=28)
NAME = Style(leading=16, after=11)
NOTE_FRAME = colors.HexColor("#8a5a00")

Block = tuple[list[Line], Style]


def render(answer: JointAnswer) -> bytes:
    """The yttrande as a tagged PDF."""
    title = f"{answer.status}: {answer.heading}" if answer.status else answer.heading
    buffer = io.BytesIO()
    register_fonts()
    canvas = NumberedCanvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        dated=date.fromisoformat(answer.header.date),
        tagged=True,
        invariant=True,
        initialFontName=REGULAR,  # not Helvetica: PDF/UA embeds every font it names
        lang=LANG,
    )
    canvas.setTitle(title)
    canvas.setAuthor(answer.header.organisation)
    canvas.setSubject(answer.header.their_reference)
    canvas.setCreator("remiss")
    tags = pdf_tags.Tags()
    pages = Pages(canvas, tags)

    note = layout.letter_note(answer)
    if note:
        _framed(pages, note)
    header = answer.header
    right = [
        [(f"{label}: ", True), (value, False)] for label, value in layout.header_fields(header)
    ]
    pages.columns([[(header.organisation, True)], [(header.unit, False)]], right, LETTERHEAD)
    pages.labelled("Till: ", header.recipient, BODY)

    blocks = _body(answer)
    signature = _signature(answer)
    room = sum(pages.height(lines, style) for lines, style in signature)
    for index, (lines, style) in enumerate(blocks):
        pages.lines(lines, style, tail=room if index == len(blocks) - 1 else 0)
    for lines, style in signature:
        pages.lines(lines, style)
    pages.finish()
    return pdf_tags.finish(buffer.getvalue(), tags, title, LANG)


def _framed(pages: Pages, text: str) -> None:
    """The note that the letter is not decided yet, in a frame (the frame is decoration)."""
    top = pages.y
    pages.lines([[(text, True)]], NOTE)
    pages.artifact(True)
    pages.canvas.setStrokeColor(NOTE_FRAME)
    pages.canvas.setLineWidth(1.5)
    pages.canvas.rect(LEFT, pages.y - 5, TEXT_WIDTH, top - pages.y + 11, fill=0)
    pages.canvas.setStrokeColor(colors.black)
    pages.artifact(False)


def _paragraphs(value: str) -> list[Block]:
    return [([[(line, False)] for line in lines], BODY) for lines in paragraphs(value)]


def _line(value: str, style: Style = BODY) -> Block:
    return [[(value, style.bold)]], style


def _body(answer: JointAnswer) -> list[Block]:
    """Everything from the heading to the signature, as paragraphs in order."""
    blocks = [_line(answer.heading, H1), _line(answer.opening)]
    if answer.stands:
        blocks.append(_line("Ställningstagande", H2))
        for stand in answer.stands:
            if len(answer.stands) > 1:
                blocks.append(_line(stand.question, H3))
            blocks.append(_line(stand.sentence))
            if stand.text:
                blocks += _paragraphs(stand.text)
    blocks.append(_line("Synpunkter", H2))
    for section in answer.comments:
        blocks.append(_line(section.question, H3))
        blocks += _paragraphs(section.text)
    if answer.decision:
        blocks.append(_line("Beslut", H2))
        blocks += [_line(line) for line in answer.decision]
    return blocks


def _signature(answer: JointAnswer) -> list[Block]:
    blocks = [_line(f"För {answer.organisation}", SIGNED)]
    if answer.signatories:
        for number, person in enumerate(answer.signatories):
            lines: list[Line] = [[(person.name, False)]]
            if person.title:
                lines.append([(person.title, False)])
            blocks.append((lines, SIGNED if number == 0 else NAME))
    else:
        blocks.append(_line(answer.signatory, SIGNED))
    if answer.handlaggare:
        blocks.append(([[("Handläggare: ", True), (answer.handlaggare.line(), False)]], BODY))
    return blocks
