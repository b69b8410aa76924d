"""The two fonts the sammanställning's PDF is set in, and its text as their subsets' bytes."""

from __future__ import annotations

import functools
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

REGULAR, BOLD = "RemissSans", "RemissSans-Bold"
# The HTML's fonts (Liberation Sans has Arial's widths; DejaVu Sans is nearly everywhere),
# then the Vera that ReportLab ships, so a machine without them still prints.
_LIBERATION = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")
_DEJAVU = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_ARIAL = ("Arial.ttf", "Arial Bold.ttf")
FONT_CHOICES: tuple[tuple[Path, tuple[str, str]], ...] = (
    (Path("/usr/share/fonts/truetype/liberation"), _LIBERATION),
    (Path("/usr/share/fonts/truetype/liberation2"), _LIBERATION),
    (Path("/usr/share/fonts/liberation-sans"), _LIBERATION),
    (Path("/usr/share/fonts/truetype/dejavu"), _DEJAVU),
    (Path("/usr/share/fonts/dejavu"), _DEJAVU),
    (Path("/Library/Fonts"), _ARIAL),
    (Path("/System/Library/Fonts/Supplemental"), _ARIAL),
    (Path(reportlab.__file__).parent / "fonts", ("Vera.ttf", "VeraBd.ttf")),
)


def font_files() -> tuple[Path, Path]:
    """The regular and bold TrueType files the PDF is set in: the first pair found."""
    for folder, (regular, bold) in FONT_CHOICES:
        if (folder / regular).is_file() and (folder / bold).is_file():
            return folder / regular, folder / bold
    folder, (regular, _) = FONT_CHOICES[-1]
    raise FileNotFoundError(folder / regular)


@functools.cache
def register_fonts() -> None:
    """Register the two fonts with ReportLab once per process (embedded as subsets)."""
    regular, bold = font_files()
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))


class FontCodes:
    """A font's text as the bytes of its embedded subset, a line at a time.

    ReportLab gives each character a code in a subset of the font the first time it is
    drawn (``TTFont.splitString``). This asks it once per character and then encodes a
    whole line with ``str.translate``, where ReportLab's text object walks every character
    of every line in Python, most of the time a long document takes.
    """

    def __init__(self, name: str, canvas: Canvas) -> None:
        self.font = pdfmetrics.getFont(name)
        self.doc = canvas._doc
        self.known: set[str] = set()
        self.first: dict[int, str] = {}  # characters in the first subset, and their codes
        self.beyond: set[str] = set()  # characters in later subsets (past 200 or so)
        self._names: dict[int, str] = {}

    def encode(self, text: str) -> list[tuple[int, bytes]]:
        """``text`` as (subset, bytes) pieces; one piece unless it needs a later subset."""
        chars = set(text)
        for char in chars - self.known:
            [(subset, code)] = self.font.splitString(char, self.doc)
            if subset == 0:
                self.first[ord(char)] = chr(code[0])
            else:
                self.beyond.add(char)
            self.known.add(char)
        if self.beyond and not chars.isdisjoint(self.beyond):
            pieces: list[tuple[int, bytes]] = self.font.splitString(text, self.doc)
            return pieces
        return [(0, text.translate(self.first).encode("latin-1"))]

    def name(self, subset: int) -> str:
        """The PDF resource name of one subset (``/F1+0``)."""
        if subset not in self._names:
            self._names[subset] = self.font.getSubsetInternalName(subset, self.doc)
        return self._names[subset]
