"""Breaking the sammanställning PDF's text into lines no wider than the page's text.

Reviewer text is never read as markup: a paragraph is runs of plain text, bold or not,
wrapped at spaces, each word measured once per document. That keeps a thousand answers
(some five hundred pages) to about the time their Word file takes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from reportlab.pdfbase import pdfmetrics

from remiss.yttrande.render.pdf_fonts import BOLD, REGULAR

Run = tuple[str, bool]  # text, bold
Line = list[Run]


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
