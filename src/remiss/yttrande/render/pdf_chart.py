"""The positions per group and region drawn in the sammanställning's PDF: the same bars,
legend and scale as the pages' SVG (``position_chart``), at the text width.

A chart taller than what is left of a page goes on bar by bar, its scale under the last
bar; the caption and the sentence that tells the picture in words stand before it, the
table of the numbers after it (``memo_pdf``).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from remiss.yttrande import position_chart
from remiss.yttrande.position_chart import BAR, FONT, GAP, Bar, PositionChart
from remiss.yttrande.render.pdf_fonts import BOLD, REGULAR
from remiss.yttrande.render.pdf_pages import BOTTOM, LEFT, TEXT_WIDTH, Pages

SCALE = TEXT_WIDTH / position_chart.WIDTH  # points per SVG unit
SIZE = FONT * SCALE * 0.75  # the picture's 13 units as about 10 points
INK = colors.HexColor("#1d2733")
GRID = colors.HexColor("#d4d9e0")
SWATCH, LEGEND_ROW = 8.0, 14.0
WORDS = 80  # points: the caption and the sentence before the picture


def room(chart: PositionChart, before: float = 0) -> float:
    """What the caption, its words, the legend and the first two bars take (the whole
    picture if it is no taller): asked for before the caption, so that the words never
    stand at a page's foot without their picture."""
    shown = chart.bars[1].top + BAR + GAP if len(chart.bars) > 2 else chart.height
    return before + WORDS + 2 * LEGEND_ROW + shown * SCALE


def draw(pages: Pages, chart: PositionChart) -> None:
    """The legend, then the bars (a new page between two bars when one does not fit), then
    the scale and its title."""
    if not chart.bars:
        return
    pages.skip(4)
    _legend(pages, chart)
    origin = pages.y  # the page's y of the chart's y = 0
    for bar in chart.bars:
        head = (bar.group_y if bar.group_y is not None else bar.label_y) - FONT
        foot = bar.top + BAR + GAP
        # The last bar keeps its scale with it.
        below = position_chart.AXIS if bar is chart.bars[-1] else 0
        if origin - (foot + below) * SCALE < BOTTOM:
            pages.new_page()
            origin = pages.y + head * SCALE
        _grid(pages, chart, origin, head, foot)
        _bar(pages, bar, origin)
        pages.y = origin - foot * SCALE
        pages.at_top = False
    if pages.y - position_chart.AXIS * SCALE < BOTTOM:
        pages.new_page()
        origin = pages.y + chart.axis_y * SCALE
    _scale(pages, chart, origin)
    pages.y = origin - chart.height * SCALE
    pages.skip(6)


def _legend(pages: Pages, chart: PositionChart) -> None:
    canvas = pages.canvas
    x, y = LEFT, pages.y - SWATCH
    for category in chart.categories:
        label = category.name
        width = SWATCH + 4 + stringWidth(label, REGULAR, SIZE) + 12
        if x + width > LEFT + TEXT_WIDTH and x > LEFT:
            x, y = LEFT, y - LEGEND_ROW
        canvas.setFillColor(colors.HexColor(category.colour))
        canvas.rect(x, y, SWATCH, SWATCH, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(REGULAR, SIZE)
        canvas.drawString(x + SWATCH + 4, y + 0.5, label)
        x += width
    pages.y = y - LEGEND_ROW + SWATCH
    pages.at_top = False


def _grid(pages: Pages, chart: PositionChart, origin: float, head: float, foot: float) -> None:
    """The scale's light lines behind one bar's rows."""
    canvas = pages.canvas
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    for tick in chart.ticks:
        x = LEFT + tick.x * SCALE
        canvas.line(x, origin - (head + FONT / 2) * SCALE, x, origin - foot * SCALE)


def _bar(pages: Pages, bar: Bar, origin: float) -> None:
    canvas = pages.canvas
    canvas.setFillColor(INK)
    if bar.group_y is not None:
        canvas.setFont(BOLD, SIZE)
        canvas.drawString(LEFT, origin - bar.group_y * SCALE, bar.group_label)
    canvas.setFont(REGULAR, SIZE)
    canvas.drawString(LEFT, origin - bar.label_y * SCALE, bar.region_label)
    top = origin - bar.top * SCALE
    baseline = top - 13.5 * SCALE
    canvas.setStrokeColor(colors.white)
    canvas.setLineWidth(1)
    for segment in bar.segments:
        canvas.setFillColor(colors.HexColor(segment.colour))
        canvas.rect(
            LEFT + segment.x * SCALE, top - BAR * SCALE, segment.width * SCALE, BAR * SCALE,
            stroke=1, fill=1,
        )  # fmt: skip
        if segment.labelled:
            canvas.setFillColor(colors.white)
            canvas.setFont(BOLD, SIZE)
            canvas.drawCentredString(LEFT + segment.middle * SCALE, baseline, str(segment.count))
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, SIZE)
    canvas.drawString(LEFT + (bar.end + 6) * SCALE, baseline, str(bar.total))


def _scale(pages: Pages, chart: PositionChart, origin: float) -> None:
    canvas = pages.canvas
    line = origin - (chart.axis_y + 4) * SCALE
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.75)
    canvas.line(LEFT, line, LEFT + chart.ticks[-1].x * SCALE, line)
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, SIZE)
    for index, tick in enumerate(chart.ticks):
        x, y = LEFT + tick.x * SCALE, origin - (chart.axis_y + 19) * SCALE
        if index == 0:
            canvas.drawString(x, y, str(tick.value))
        else:
            canvas.drawCentredString(x, y, str(tick.value))
    middle = LEFT + chart.ticks[-1].x * SCALE / 2
    canvas.drawCentredString(middle, origin - (chart.axis_y + 36) * SCALE, "Antal svar")
