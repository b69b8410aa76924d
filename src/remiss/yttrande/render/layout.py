"""The fixed words and table layouts every rendering shares, so DOCX, HTML and PDF agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from remiss.core.swedish import number_sv
from remiss.yttrande.model import (
    GroupTally,
    Header,
    PersonAnswers,
    PositionSection,
    Underlag,
    Yttrande,
)

INTERNAL = "Internt arbetsmaterial – skickas inte"
NO_SUMMARY = "Ingen sammanfattning har skrivits."
NO_POSITIONS = "Remissen innehåller ingen fråga om ställningstagande."
NO_POSITION_TAKEN = "Ingen grupp har tagit ställning."
DISAGREEMENT = "Meningsskiljaktighet"
APPENDIX = "Bilaga: Inkomna synpunkter per person"
ATTACHED = "Bifogad fil"  # a file attached to one answer, listed under it
NON_RESPONDERS = "Har inte inkommit med svar"
FORLOPP = "Förlopp"
NO_EVENTS = "Inga händelser är registrerade."
POSITION_COLUMNS = ("Grupp", "Region", "Ställningstagande", "Antal svar")
NON_RESPONDER_COLUMNS = ("Namn", "Grupp", "Region")
TEXT_WIDTH_MM = 160  # A4 less 25 mm margins
PROPOSAL_NOTE = (
    "Förslag: byggt av de inkomna svaren. Ansvarig grupp har ännu inte sparat något utkast."
)

if TYPE_CHECKING:
    from remiss.yttrande.joint import JointAnswer


def letter_note(answer: JointAnswer) -> str:
    """What heads a letter not yet decided: "Förslag: …" or "Utkast (version 2): …"; else ""."""
    if answer.proposal:
        return PROPOSAL_NOTE
    if answer.status:
        number = f" (version {answer.draft_number})" if answer.draft_number else ""
        note = f" {answer.note}" if answer.note else ""
        return f"Utkast{number}: inte beslutat.{note}"
    return ""


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


def underlag_lines(yttrande: Yttrande) -> list[str]:
    """The Underlag section as sentences: who was asked, and how many answered."""
    underlag = yttrande.underlag
    if underlag.groups:
        consulted = ", ".join(f"{g.name} ({_tally(g)})" for g in underlag.groups)
        lines = [f"Synpunkter har inhämtats från: {consulted}."]
    else:
        lines = ["Inga grupper har tillfrågats."]
    if underlag.lead:
        lines.append(f"Ansvarig grupp: {underlag.lead}.")
    if underlag.informed:
        lines.append(
            f"Informerade (för kännedom, tillfrågas inte): {', '.join(underlag.informed)}."
        )
    lines.append(people_answered(len(yttrande.appendix), len(underlag.non_responders)))
    return lines


def _tally(group: GroupTally) -> str:
    if group.invited == 0:
        return "ingen tillfrågad"
    if group.answered == 0:
        return f"ingen av {group.invited} har svarat"
    return f"{group.answered} av {group.invited} har svarat"


def people_answered(answered: int, missing: int) -> str:
    """ "Två av tre tillfrågade personer har svarat.", in words that agree with the counts."""
    asked = answered + missing
    if asked == 0:
        return "Ingen person har tillfrågats."
    if asked == 1:
        return f"Den tillfrågade personen har {'' if answered else 'inte '}svarat."
    if missing == 0:
        return "Alla tillfrågade personer har svarat."
    if answered == 0:
        return f"Ingen av de {number_sv(asked)} tillfrågade personerna har svarat."
    return f"{_capital(number_sv(answered))} av {number_sv(asked)} tillfrågade personer har svarat."


def silent_groups_line(underlag: Underlag) -> str:
    """The groups no answer came from (the first part of "Har inte inkommit med svar")."""
    if underlag.silent_groups:
        return f"Grupper: {', '.join(underlag.silent_groups)}."
    return (
        "Alla tillfrågade grupper har svarat."
        if underlag.groups
        else "Inga grupper har tillfrågats."
    )


def non_responders_line(yttrande: Yttrande) -> str:
    """What stands before the people who did not answer, or in their place."""
    if yttrande.underlag.non_responders:
        return "Personer:"
    return people_answered(len(yttrande.appendix), 0)


def forlopp_lines(yttrande: Yttrande) -> list[tuple[str, str]]:
    """Each step as (label, text): "1 april 2026 kl. 09.10, Karin Kvist (…): " and what was done."""
    return [
        (f"{event.when}{f', {event.by}' if event.by else ''}: ", event.text)
        for event in yttrande.forlopp
    ]


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def person_fields(person: PersonAnswers) -> list[tuple[str, str]]:
    """Who answered and when; a resubmitted answer with the versions before the one that counts."""
    fields = [
        ("Roll", person.role or "–"),
        ("Grupp", person.groups or "–"),
        ("Region", person.region or "–"),
    ]
    if len(person.submissions) < 2:
        return [*fields, ("Inskickat", person.submitted_text)]
    latest, *earlier = reversed(person.submissions)
    return [
        *fields,
        ("Inskickat", f"{person.submitted_text} (version {latest.number}, den som gäller)"),
        (
            "Tidigare inskickade versioner",
            "; ".join(f"version {s.number}, {s.submitted_text}" for s in reversed(earlier)),
        ),
    ]
