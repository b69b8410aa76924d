"""Typesetting plain text on A4 for the sammanställning's PDF: lines and pages (fonts: ``fonts``).

ReportLab's canvas draws and embeds the fonts (as subsets); the lines are broken and
the pages filled here, in one pass with no layout framework between. Reviewer text is
never read as markup: a paragraph is runs of plain text, bold or not, wrapped at
spaces, each word measured once per document. That keeps a thousand answers (some five
hundred pages) to about the time their Word file takes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from remiss.yttrande.fonts import BOLD, REGULAR, FontCodes, register_fonts
from remiss.yttrande.model import paragraphs

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = RIGHT = 25 * mm
TOP, BOTTOM = 22 * mm, 25 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
FOOTER_SIZE = 9
KEEP_ROOM = 38  # points: two lines of body text and a paragraph's space
CELL_PAD, CELL_PAD_Y = 5, 3
GRID = colors.HexColor("#999999")
HEAD_FILL = colors.HexColor("#eeeeee")
Run = tuple[str, bool]  # text, bold
Line = list[Run]


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


TABLE_HEAD = Style(size=10, leading=12.5, after=0, bold=True)
TABLE_CELL = Style(size=10, leading=12.5, after=0)


class Measure:
    """Word widths, each measured once per document."""

    def __init__(self) -> None:
        self._fonts: dict[tuple[bool, float], dict[str, float]] = {}

    def width(self, word: str, bold: bool, size: float) -> float:
        known = self._fonts.setdefault((bold, size), {})
        if word not in known:
            known[word] = pdfmetrics.stringWidth(word, BOLD if bold else REGULAR, size)
        return known[word]

    def widths(self, words: Sequence[str], bold: bool, size: float) -> list[float]:
        known = self._fonts.setdefault((bold, size), {})
        found = [known.get(word) for word in words]
        if None in found:
            font = BOLD if bold else REGULAR
            for index, word in enumerate(words):
                if found[index] is None:
                    known[word] = found[index] = pdfmetrics.stringWidth(word, font, size)
        return found  # type: ignore[return-value]


def break_lines(runs: Sequence[Run], width: float, size: float, measure: Measure) -> list[Line]:
    """Break one line of runs into lines no wider than ``width``, at spaces.

    A word wider than the line (a long address) is broken where it must be.
    """
    if len(runs) == 1:
        return _break_run(*runs[0], width, size, measure)
    return _break_runs(runs, width, size, measure)


def _break_run(text: str, bold: bool, width: float, size: float, measure: Measure) -> list[Line]:
    """One run (most lines): the break points found by bisection over the running widths."""
    words = text.split()
    if not words:
        return [[]]
    space = measure.width(" ", bold, size)
    ends = list(accumulate((w + space for w in measure.widths(words, bold, size)), initial=0.0))
    lines: list[Line] = []
    start = 0
    while start < len(words):
        # words[start:end] is as wide as ends[end] - ends[start] - space
        end = bisect_right(ends, ends[start] + width + space, lo=start + 1) - 1
        if end <= start:  # a word wider than the line: set it by itself, broken
            return lines + _break_runs([(" ".join(words[start:]), bold)], width, size, measure)
        lines.append([(" ".join(words[start:end]), bold)])
        start = end
    return lines


def _break_runs(runs: Sequence[Run], width: float, size: float, measure: Measure) -> list[Line]:
    """Any runs, a word at a time."""
    lines: list[Line] = []
    line: Line = []
    used = 0.0
    for text, bold in runs:
        space = measure.width(" ", bold, size)
        for word in text.split():
            wide = measure.width(word, bold, size)
            if line and used + space + wide > width:
                lines.append(line)
                line, used = [], 0.0
            while wide > width and not line:
                head = _longest_fit(word, bold, size, width)
                lines.append([(head, bold)])
                word = word[len(head) :]
                wide = measure.width(word, bold, size)
            if line and line[-1][1] == bold:
                line[-1] = (f"{line[-1][0]} {word}", bold)
                used += space + wide
            elif line:
                line.append((f" {word}", bold))
                used += space + wide
            else:
                line.append((word, bold))
                used = wide
    if line or not lines:
        lines.append(line)
    return lines


def _longest_fit(word: str, bold: bool, size: float, width: float) -> str:
    """The longest start of ``word`` that fits in ``width`` (at least one character)."""
    font = BOLD if bold else REGULAR
    end = 1
    while end < len(word) and pdfmetrics.stringWidth(word[: end + 1], font, size) <= width:
        end += 1
    return word[:end]


class Pages:
    """Sets blocks top to bottom on A4 pages: paragraphs, tables, breaks.

    Each paragraph's lines are broken once and drawn as one text object; a paragraph
    runs on to the next page line by line (never one line alone at a page's foot), a
    table row by row with its column titles repeated. The space between two blocks is
    the larger of the two (as CSS margins collapse), and none at the top of a page.
    """

    def __init__(self, canvas: Canvas) -> None:
        register_fonts()
        self.canvas = canvas
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

    def lines(self, written: Sequence[Line], style: Style) -> None:
        """One paragraph of written lines, broken to the text width."""
        lines = self.wrap(written, style, TEXT_WIDTH - style.indent)
        self._before(style.before)
        if style.keep_with_next:
            self.need(style.leading * len(lines) + KEEP_ROOM)
        while lines:
            fit = int((self.y - BOTTOM + 0.01) // style.leading)
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
        self._draw(left_lines, style, LEFT, self.y)
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
        self, row: tuple[float, list[list[Line]]], widths: Sequence[float], style: Style,
        fill: bool,
    ) -> None:  # fmt: skip
        height, cells = row
        canvas = self.canvas
        canvas.setLineWidth(0.75)
        canvas.setStrokeColor(GRID)
        canvas.setFillColor(HEAD_FILL)
        x = LEFT
        for width in widths:
            canvas.rect(x, self.y - height, width, height, stroke=1, fill=1 if fill else 0)
            x += width
        canvas.setFillColor(colors.black)
        x = LEFT
        for lines, width in zip(cells, widths, strict=True):
            self._draw(lines, style, x + CELL_PAD, self.y - CELL_PAD_Y)
            x += width
        self.y -= height
        self.at_top = False


class NumberedCanvas(Canvas):
    """Holds each finished page until the last, then writes "Sida X av Y" at every foot.

    Dated ``dated`` (the document's date, not the clock), so the same content gives the
    same bytes.
    """

    def __init__(self, *args: Any, dated: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
            self.setFont(REGULAR, FOOTER_SIZE)
            self.drawRightString(
                PAGE_WIDTH - RIGHT, BOTTOM - 12 * mm, f"Sida {self._pageNumber} av {total}"
            )
            super().showPage()
        super().save()
