"""The fixed words and table layouts every rendering shares, so DOCX, HTML and PDF agree."""

from __future__ import annotations

from collections.abc import Sequence

from remiss.core.swedish import number_sv
from remiss.yttrande.model import (
    Header,
    PersonAnswers,
    PositionSection,
    Underlag,
    Yttrande,
)

NO_SUMMARY = "Ingen sammanfattning har skrivits."
NO_POSITIONS = "Remissen innehåller ingen fråga om ställningstagande."
NO_POSITION_TAKEN = "Ingen grupp har tagit ställning."
DISAGREEMENT = "Meningsskiljaktighet"
APPENDIX = "Bilaga: Inkomna synpunkter per person"
NON_RESPONDERS = "Har inte inkommit med svar"
POSITION_COLUMNS = ("Grupp", "Region", "Ställningstagande", "Antal svar")
NON_RESPONDER_COLUMNS = ("Namn", "Grupp", "Region")
TEXT_WIDTH_MM = 160  # A4 less 25 mm margins


def column_widths(
    columns: Sequence[str], rows: Sequence[Sequence[str]], total: float = TEXT_WIDTH_MM
) -> list[float]:
    """Share ``total`` mm between the columns so that no header word is split over two lines.

    A column needs room for its longest header word (bold, 11 pt: about 2.3 mm a letter)
    and gets more for longer cells, up to a limit.
    """
    need = []
    for index, title in enumerate(columns):
        longest_word = max((len(w) for w in title.split()), default=1)
        cells = [len(row[index]) for row in rows] or [0]
        need.append((longest_word * 2.3 + 4, min(max(cells), 40) * 1.6 + 4))
    floor = sum(minimum for minimum, _ in need)
    spare = max(0.0, total - floor)
    wish = sum(max(0.0, want - minimum) for minimum, want in need) or 1.0
    return [minimum + spare * max(0.0, want - minimum) / wish for minimum, want in need]


def header_fields(header: Header) -> list[tuple[str, str]]:
    fields = [("Datum", header.date_text), ("Er referens", header.their_reference)]
    if header.our_reference:
        fields.append(("Vår referens", header.our_reference))
    return fields


def position_cells(section: PositionSection) -> list[tuple[str, ...]]:
    return [
        (row.group, row.region or "–", row.position, str(row.respondents)) for row in section.rows
    ]


def non_responder_cells(yttrande: Yttrande) -> list[tuple[str, ...]]:
    return [
        (person.name, person.groups or "–", person.region or "–")
        for person in yttrande.underlag.non_responders
    ]


def underlag_lines(underlag: Underlag) -> list[str]:
    """The Underlag section as sentences."""
    if underlag.groups:
        consulted = ", ".join(
            f"{g.name} ({g.answered} av {g.invited} har svarat)" for g in underlag.groups
        )
        lines = [f"Synpunkter har inhämtats från: {consulted}."]
    else:
        lines = ["Inga grupper har tillfrågats."]
    if underlag.lead:
        lines.append(f"Ansvarig grupp: {underlag.lead}.")
    if underlag.informed:
        lines.append(
            f"Informerade (för kännedom, tillfrågas inte): {', '.join(underlag.informed)}."
        )
    if underlag.silent_groups:
        lines.append(f"Har inte inkommit med svar: {', '.join(underlag.silent_groups)}.")
    if underlag.non_responders:
        count = len(underlag.non_responders)
        word = number_sv(count)
        who = f"{word[0].upper()}{word[1:]} {'person' if count == 1 else 'personer'}"
        lines.append(f"{who} har inte svarat (se bilagan).")
    else:
        lines.append("Alla tillfrågade personer har svarat.")
    return lines


def person_fields(person: PersonAnswers) -> list[tuple[str, str]]:
    return [
        ("Roll", person.role or "–"),
        ("Grupp", person.groups or "–"),
        ("Region", person.region or "–"),
        ("Inskickat", person.submitted_text),
    ]
