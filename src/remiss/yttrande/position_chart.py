"""A position question as a picture: one stacked bar per group and region, a segment per
position (Tillstyrker, Tillstyrker med synpunkter, Avstyrker, Avstår), on a scale of answers.

Built from a ``PositionSection`` (the sammanställning's rows), so the round page, the
drafting page and every rendering of the sammanställning draw the same numbers. The
geometry is worked out here in the SVG's own units: the templates and the PDF only place
what they are given. A person who answers for two groups counts in each, as in the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from remiss.yttrande import wording
from remiss.yttrande.model import NO_COMMENTS, PositionSection

# The shipped question sets' positions and the joint answer's "Avstår": always named, so
# the legend reads the same for every round that uses them.
STANDARD = ("Tillstyrker", "Tillstyrker med synpunkter", "Avstyrker", wording.ABSTAIN)
# Each at least 4.5:1 against white (the count written on it, the white gaps between them).
COLOURS = {
    "Tillstyrker": "#1e7a3c",
    "Tillstyrker med synpunkter": "#0e7490",
    "Avstyrker": "#b3261e",
    wording.ABSTAIN: "#5b6673",
    NO_COMMENTS: "#8a5a00",
}
OTHER_COLOURS = ("#6b3fa0", "#1f5c99", "#9a3412", "#374151")

WIDTH = 440  # the SVG's units; it scales to its box
PLOT = 384  # the bars' room; the total stands to its right
GROUP_ROW, LABEL_ROW, BAR, GAP = 22, 17, 18, 9
AXIS = 40  # the scale and its title below the bars
FONT = 13
LABEL_CHARS = 62  # a longer name is cut in the picture (the table holds it whole)
COUNT_ROOM = 16  # a segment narrower than this carries no number
NO_REGION = "Utan region"
CAPTION = "ställningstaganden per grupp och region"


@dataclass(frozen=True)
class Category:
    name: str
    colour: str
    total: int  # over every bar: a person in two groups counts twice


@dataclass(frozen=True)
class Segment:
    category: str
    count: int
    x: float
    width: float
    colour: str

    @property
    def labelled(self) -> bool:
        return self.width >= COUNT_ROOM

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Bar:
    group: str
    region: str
    counts: tuple[int, ...]  # per category, in the chart's order
    total: int
    top: float  # the bar's upper edge
    label_y: float  # the region's baseline above it
    group_y: float | None  # the group's baseline, on the group's first bar only
    segments: tuple[Segment, ...]

    @property
    def end(self) -> float:
        return sum(s.width for s in self.segments)

    @property
    def group_label(self) -> str:
        return short(self.group)

    @property
    def region_name(self) -> str:
        return self.region or NO_REGION

    @property
    def region_label(self) -> str:
        return short(self.region_name)


@dataclass(frozen=True)
class Tick:
    value: int
    x: float


@dataclass(frozen=True)
class PositionChart:
    key: str
    question: str
    categories: tuple[Category, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    height: float
    width: float = WIDTH

    @property
    def caption(self) -> str:
        return f"Figur: {self.question} – {CAPTION}"

    @property
    def axis_y(self) -> float:
        return self.height - AXIS

    @property
    def summary(self) -> str:
        """The picture in words: whose answers, and how many gave each position."""
        if not self.bars:
            return "Ingen har tagit ställning ännu."
        groups = len({b.group for b in self.bars})
        regions = len({b.region for b in self.bars})
        given = ", ".join(f"{c.name} {c.total}" for c in self.categories)
        return (
            f"Svar från {groups} {'grupp' if groups == 1 else 'grupper'} i "
            f"{regions} {'region' if regions == 1 else 'regioner'}, en stapel per grupp och "
            f"region. Antal svar: {given}. Den som svarar för flera grupper räknas i varje grupp."
        )


def chart(section: PositionSection, options: Sequence[str] = ()) -> PositionChart:
    """The section's rows as bars, grouped by group in the rows' order."""
    names = _categories(section, options)
    cells: dict[tuple[str, str], list[int]] = {}
    for row in section.rows:
        counts = cells.setdefault((row.group, row.region), [0] * len(names))
        counts[names.index(row.position)] += row.respondents
    top_total = max((sum(c) for c in cells.values()), default=0)
    step, scale_max = _scale(top_total)
    colours = _colours(names)
    bars: list[Bar] = []
    y = 0.0
    previous = None
    for (group, region), counts in cells.items():
        group_y = None
        if group != previous:
            y += GROUP_ROW
            group_y = y - 6
            previous = group
        y += LABEL_ROW
        label_y, top = y - 4, y
        x, segments = 0.0, []
        for name, count in zip(names, counts, strict=True):
            if count:
                width = PLOT * count / scale_max
                segments.append(Segment(name, count, x, width, colours[name]))
                x += width
        bars.append(
            Bar(group, region, tuple(counts), sum(counts), top, label_y, group_y, tuple(segments))
        )
        y += BAR + GAP
    ticks = tuple(Tick(v, PLOT * v / scale_max) for v in range(0, scale_max + 1, step))
    totals = [sum(b.counts[i] for b in bars) for i in range(len(names))]
    return PositionChart(
        key=section.key,
        question=section.question,
        categories=tuple(Category(n, colours[n], t) for n, t in zip(names, totals, strict=True)),
        bars=tuple(bars),
        ticks=ticks if bars else (),
        height=y + AXIS if bars else 0,
    )


def short(name: str) -> str:
    """A name as the picture prints it: whole, or cut with an ellipsis."""
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _categories(section: PositionSection, options: Sequence[str]) -> list[str]:
    """The question's options (or the standard four) and Avstår, then anything else given."""
    given = [row.position for row in section.rows]
    base = list(options) or (list(STANDARD) if set(given) & set(STANDARD) else [])
    if base and wording.ABSTAIN not in base:
        base.append(wording.ABSTAIN)
    for position in given:
        if position not in base:
            base.append(position)
    return base


def _colours(names: Sequence[str]) -> dict[str, str]:
    others = iter(OTHER_COLOURS * (len(names) // len(OTHER_COLOURS) + 1))
    return {n: COLOURS[n] if n in COLOURS else next(others) for n in names}


def _scale(top: int) -> tuple[int, int]:
    """A step of 1, 2 or 5 times a power of ten giving at most six ticks, and the scale's end."""
    if top <= 0:
        return 1, 1
    power = 10 ** max(0, int(math.log10(top)) - 1)
    for factor in (1, 2, 5, 10, 20, 50):
        step = factor * power
        if math.ceil(top / step) <= 6:
            return step, math.ceil(top / step) * step
    return top, top
