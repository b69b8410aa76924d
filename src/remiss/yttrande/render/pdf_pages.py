"""Setting a PDF on A4 (the sammanställning, the letter): blocks filled into pages, "Sida X av Y" below.

ReportLab's canvas draws and embeds the fonts (as subsets: ``pdf_fonts``); the lines are
broken (``pdf_lines``) and the pages filled here, in one pass with no layout framework
between. Given ``Tags``, every block is marked as it is drawn, for a tagged PDF
(``pdf_tags``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from remiss.yttrande.model import paragraphs
from remiss.yttrande.render.pdf_fonts import BOLD, REGULAR, FontCodes, register_fonts
from remiss.yttrande.render.pdf_lines import Line, Measure, break_lines
from remiss.yttrande.render.pdf_tags import ARTIFACT_BEGIN, END, Tags

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = RIGHT = 25 * mm
TOP, BOTTOM = 22 * mm, 25 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
FOOTER_SIZE = 9
KEEP_ROOM = 38  # points: two lines of body text and a paragraph's space
CELL_PAD, CELL_PAD_Y = 5, 3
GRID = colors.HexColor("#999999")
HEAD_FILL = colors.HexColor("#eeeeee")


@dataclass(frozen=True)
class Style:
    size: float = 11
    leading: float = 15.4  # the HTML's line-height 1.4
    before: float = 0
    after: float = 6.6  # 0.6 em
    indent: float = 0
    bold: bool = False
    # Never last on a page: moved to the next unless two lines of what follows fit below it.
    keep_with_next: bool = False
    role: str = "P"  # its structure element's type, in a tagged PDF


TABLE_HEAD = Style(size=10, leading=12.5, after=0, bold=True)
TABLE_CELL = Style(size=10, leading=12.5, after=0)


class Pages:
    """Sets blocks top to bottom on A4 pages: paragraphs, tables, breaks.

    Each paragraph's lines are broken once and drawn as one text object; a paragraph
    runs on to the next page line by line (never one line alone at a page's foot), a
    table row by row with its column titles repeated. The space between two blocks is
    the larger of the two (as CSS margins collapse), and none at the top of a page.
    """

    def __init__(self, canvas: Canvas, tags: Tags | None = None) -> None:
        register_fonts()
        self.canvas = canvas
        self.tags = tags
        self.page = 0  # counted from 0
        self.measure = Measure()
        self.codes = {False: FontCodes(REGULAR, canvas), True: FontCodes(BOLD, canvas)}
        self.y = PAGE_HEIGHT - TOP
        self.at_top = True
        self._space = 0.0  # owed below the last block
        self._baselines: dict[tuple[float, float], float] = {}

    # -- blocks ---------------------------------------------------------------------------

    def line(self, value: str, style: Style) -> None:
        self.lines([[(value, style.bold)]], style)

    def labelled(self, label: str, value: str, style: Style) -> None:
        """``label`` in bold, then ``value``: "Roll: ledamot"."""
        self.lines([[(label, True), (value, False)]], style)

    def text(self, value: str, style: Style) -> None:
        """Reviewer text: a paragraph per paragraph, its line breaks kept."""
        for lines in paragraphs(value):
            self.lines([[(line, style.bold)] for line in lines], style)

    def lines(self, written: Sequence[Line], style: Style, tail: float = 0) -> None:
        """One paragraph of written lines, broken to the text width.

        ``tail``: the height of what must follow on the same page as its last line (the
        letter's signature); lines go over to the next page to make that room.
        """
        lines = self.wrap(written, style, TEXT_WIDTH - style.indent)
        self._before(style.before)
        self._begin(style.role)
        if style.keep_with_next:
            self.need(style.leading * len(lines) + KEEP_ROOM)
        while lines:
            fit = int((self.y - BOTTOM + 0.01) // style.leading)
            if tail and fit >= len(lines) and self.y - style.leading * len(lines) - tail < BOTTOM:
                fit = len(lines) - 1
            alone = fit == 1 and len(lines) > 2  # one line left behind at the foot
            if fit < len(lines) and (fit < 1 or alone) and not self.at_top:
                self.new_page()
                continue
            fit = max(fit, 1)
            self._draw(lines[:fit], style, LEFT + style.indent, self.y)
            self.y -= style.leading * len(lines[:fit])
            self.at_top = False
            lines = lines[fit:]
            if lines:
                self.new_page()
        self._space = style.after

    def table(
        self, columns: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A grid, the column titles on a grey row repeated on every page it runs over."""
        head = self._row(columns, widths, TABLE_HEAD)
        first = self._row(rows[0], widths, TABLE_CELL)[0] if rows else 0.0
        self._before(3)
        self.need(head[0] + first)
        self._draw_row(head, widths, TABLE_HEAD, fill=True)
        for values in rows:
            row = self._row(values, widths, TABLE_CELL)
            if self.y - row[0] < BOTTOM:
                self.new_page()
                self._draw_row(head, widths, TABLE_HEAD, fill=True)
            self._draw_row(row, widths, TABLE_CELL, fill=False)
        self._space = 9

    def columns(self, left: Sequence[Line], right: Sequence[Line], style: Style) -> None:
        """Two columns of short lines side by side (the letterhead)."""
        half = TEXT_WIDTH / 2
        left_lines = self.wrap(left, style, half)
        right_lines = self.wrap(right, style, half)
        self._before(style.before)
        self._begin(style.role)
        self._draw(left_lines, style, LEFT, self.y)
        self._begin(style.role)
        self._draw(right_lines, style, LEFT + half, self.y)
        self.y -= style.leading * max(len(left_lines), len(right_lines))
        self.at_top = False
        self._space = style.after

    def skip(self, points: float) -> None:
        """Empty space of ``points`` (none at the top of a page)."""
        self._before(self._space + points)

    def need(self, height: float) -> None:
        """Begin a new page unless ``height`` fits below (the space owed included)."""
        if not self.at_top and self.y - height < BOTTOM:
            self.new_page()

    def height(self, written: Sequence[Line], style: Style) -> float:
        """How tall the paragraph would be, its spaces included."""
        lines = self.wrap(written, style, TEXT_WIDTH - style.indent)
        return style.before + style.after + style.leading * len(lines)

    def page_break(self) -> None:
        if not self.at_top:
            self.new_page()

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - TOP
        self.at_top = True
        self._space = 0.0

    def finish(self) -> None:
        """End the last page and write the file."""
        self.canvas.showPage()
        self.canvas.save()

    # -- drawing --------------------------------------------------------------------------

    def wrap(self, written: Sequence[Line], style: Style, width: float) -> list[Line]:
        return [
            broken
            for runs in written
            for broken in break_lines(runs, width, style.size, self.measure)
        ]

    def _begin(self, role: str) -> None:
        if self.tags is not None:
            self.tags.begin(role)

    def artifact(self, draw: bool) -> None:
        """Begin (``True``) or end what is drawn only as decoration, in a tagged PDF."""
        if self.tags is not None:
            self.canvas.addLiteral(ARTIFACT_BEGIN if draw else END)

    def _before(self, points: float) -> None:
        if not self.at_top:
            self.y -= max(self._space, points)
        self._space = 0.0

    def _baseline(self, style: Style) -> float:
        """From the top of a line to its baseline: the line's half-leading, then the ascent."""
        key = (style.size, style.leading)
        if key not in self._baselines:
            ascent, descent = pdfmetrics.getAscentDescent(REGULAR, style.size)
            self._baselines[key] = (style.leading - (ascent - descent)) / 2 + ascent
        return self._baselines[key]

    def _draw(self, lines: Sequence[Line], style: Style, x: float, top: float) -> None:
        """The lines as one text object, written as PDF operators (see ``FontCodes``)."""
        size = fp_str(style.size)
        out = [f"BT 1 0 0 1 {fp_str(x, top - self._baseline(style))} Tm {fp_str(style.leading)} TL"]
        current: tuple[bool, int] | None = None
        for line in lines:
            for words, bold in line:
                codes = self.codes[bold]
                for subset, data in codes.encode(words):
                    if (bold, subset) != current:
                        out.append(f"{codes.name(subset)} {size} Tf")
                        current = (bold, subset)
                    out.append(f"({escapePDF(data)}) Tj")
            out.append("T*")
        out.append("ET")
        if self.tags is not None:
            out = [self.tags.mark(self.page), *out, END]
        self.canvas.addLiteral("\n".join(out))

    def _row(
        self, values: Sequence[str], widths: Sequence[float], style: Style
    ) -> tuple[float, list[list[Line]]]:
        cells = [
            self.wrap([[(value, style.bold)]], style, width - 2 * CELL_PAD)
            for value, width in zip(values, widths, strict=True)
        ]
        return max(len(c) for c in cells) * style.leading + 2 * CELL_PAD_Y, cells

    def _draw_row(
        self,
        row: tuple[float, list[list[Line]]],
        widths: Sequence[float],
        style: Style,
        fill: bool,
    ) -> None:
        height, cells = row
        canvas = self.canvas
        canvas.setLineWidth(0.75)
        canvas.setStrokeColor(GRID)
        canvas.setFillColor(HEAD_FILL)
        x = LEFT
        self.artifact(True)
        for width in widths:
            canvas.rect(x, self.y - height, width, height, stroke=1, fill=1 if fill else 0)
            x += width
        self.artifact(False)
        canvas.setFillColor(colors.black)
        x = LEFT
        for lines, width in zip(cells, widths, strict=True):
            self._begin(style.role)
            self._draw(lines, style, x + CELL_PAD, self.y - CELL_PAD_Y)
            x += width
        self.y -= height
        self.at_top = False


class NumberedCanvas(Canvas):
    """Holds each finished page until the last, then writes "Sida X av Y" at every foot.

    Dated ``dated`` (the document's date, not the clock), so the same content gives the
    same bytes. ``tagged``: the page numbers are marked as decoration, for a tagged PDF.
    """

    def __init__(self, *args: Any, dated: date, tagged: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tagged = tagged
        self._held: list[dict[str, Any]] = []
        stamp = f"D:{dated:%Y%m%d}000000+00'00'"
        self.setDateFormatter(lambda *moment: stamp)

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            if self._tagged:
                self.addLiteral(ARTIFACT_BEGIN)
            self.setFont(REGULAR, FOOTER_SIZE)
            self.drawRightString(
                PAGE_WIDTH - RIGHT, BOTTOM - 12 * mm, f"Sida {self._pageNumber} av {total}"
            )
            if self._tagged:
                self.addLiteral(END)
            super().showPage()
        super().save()
