"""What every Word file shares: A4, a named style set, page numbers, plain-text runs.

The styles are set by name (Normal, Title, Heading 1–3, the table grid), all in the body's
font and in black, with headings kept with the text that follows; the footer says
"Sida X av Y" in the same font. Reviewer and drafter text goes in as plain runs, so a
'{ MERGEFIELD }' or '<script>' stays literal text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from remiss.yttrande.model import Header, paragraphs
from remiss.yttrande.render import layout

FONT = "Calibri"
BLACK = RGBColor(0, 0, 0)
HEADING_SIZES = {"Title": 18, "Heading 1": 16, "Heading 2": 13, "Heading 3": 11}
# Characters XML 1.0 cannot hold; a pasted answer may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAB_OR_BREAK = re.compile("[\t\r\n]")
_P, _PPR, _PSTYLE, _R, _RPR, _B, _BR, _T = (
    qn(tag) for tag in ("w:p", "w:pPr", "w:pStyle", "w:r", "w:rPr", "w:b", "w:br", "w:t")
)
_VAL, _SPACE = qn("w:val"), qn("xml:space")


class Container(Protocol):
    """Where paragraphs go: a document, a table cell, or a ``Body``."""

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph: ...


class Body:
    """Paragraphs and headings appended to the end of a document, each in constant time.

    python-docx's own ``add_paragraph`` searches the body for its section properties before
    every paragraph, which makes writing a long document quadratic; this inserts straight
    before them and looks each style up once.
    """

    def __init__(self, document: DocumentObject) -> None:
        self.document = document
        self._parent = document._body
        self._end = document.element.body.get_or_add_sectPr()
        self._style_ids: dict[str, str] = {}

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        element = self._end.makeelement(_P)
        self._end.addprevious(element)
        if style is not None:
            SubElement(SubElement(element, _PPR), _PSTYLE).set(_VAL, self._style_id(style))
        paragraph = Paragraph(element, self._parent)
        if text:
            add_run(paragraph, text)
        return paragraph

    def add_heading(self, text: str, level: int) -> Paragraph:
        return self.add_paragraph(clean(text), "Title" if level == 0 else f"Heading {level}")

    def _style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]


def setup(document: DocumentObject, header: Header, title: str) -> None:
    """A4 margins, the style set, Swedish language, fixed properties, page numbers."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(22)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    for name, size in HEADING_SIZES.items():
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = BLACK
        style.paragraph_format.keep_with_next = True
        fonts = style.element.rPr.find(qn("w:rFonts")) if style.element.rPr is not None else None
        if fonts is not None:  # the theme's heading font would win over the name set above
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if rpr is not None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "sv-SE")
        rpr.append(lang)
    _page_numbers(document)

    moment = datetime.combine(date.fromisoformat(header.date), datetime.min.time(), UTC)
    props = document.core_properties
    props.title = title
    props.subject = header.their_reference
    props.author = props.last_modified_by = header.organisation
    props.comments = ""
    props.keywords = ""
    props.language = "sv-SE"
    props.revision = 1
    props.created = props.modified = props.last_printed = moment


def _page_numbers(document: DocumentObject) -> None:
    """ "Sida X av Y" at the foot of every page, in the body's font."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.style = document.styles["Normal"]
        for part in ("Sida ", "PAGE", " av ", "NUMPAGES"):
            if part.isupper():
                _field(paragraph, part)
            else:
                run = paragraph.add_run(part)
                run.font.size = Pt(9)


def _field(paragraph: Paragraph, code: str) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(9)
    begin, text, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def header_block(
    document: DocumentObject,
    header: Header,
    fields: list[tuple[str, str]],
    *,
    addressed: bool = True,
) -> None:
    """The letterhead: the organisation on the left, date and references on the right; then
    "Till:" the recipient, when ``addressed``."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(header.organisation).bold = True
    left.add_paragraph(header.unit)
    for index, (label, value) in enumerate(fields):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(clean(value))
    document.add_paragraph()
    if addressed:
        labelled(document, "Till: ", header.recipient)


def repeat_as_header(row: _Row) -> None:
    """Repeat ``row`` at the top of every page the table runs over; never split it."""
    properties = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def fit_columns(table: Table, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Share the text width so that no header word is split over two lines."""
    widths = [Mm(width) for width in layout.column_widths(columns, rows)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def labelled(container: Container, label: str, value: str) -> Paragraph:
    paragraph = container.add_paragraph()
    add_run(paragraph, clean(label), bold=True)
    if value:
        add_run(paragraph, clean(value))
    return paragraph


def text(container: Container, value: str) -> None:
    """Add text as plain runs: a paragraph per paragraph, breaks for lines."""
    for lines in paragraphs(value):
        paragraph = container.add_paragraph()
        for index, line in enumerate(lines):
            _text_run(paragraph, clean(line), line_break=index > 0)


def add_run(paragraph: Paragraph, value: str, *, bold: bool = False) -> None:
    """Append ``value`` to ``paragraph`` as one run, tabs and line breaks as Word's own."""
    if _TAB_OR_BREAK.search(value):
        run = paragraph.add_run(value)
        if bold:
            run.bold = True
    else:
        _text_run(paragraph, value, bold=bold)


def _text_run(
    paragraph: Paragraph, value: str, *, bold: bool = False, line_break: bool = False
) -> None:
    """A run of ``value`` as it is, built directly: python-docx's general-purpose insertion
    (each child placed by searching its successors) is most of a long document's time."""
    run = SubElement(paragraph._p, _R)
    if bold:
        SubElement(SubElement(run, _RPR), _B)
    if line_break:
        SubElement(run, _BR)
    element = SubElement(run, _T)
    element.text = value
    if value != value.strip():
        element.set(_SPACE, "preserve")


def clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def fixed_zip(data: bytes, day: date) -> bytes:
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
