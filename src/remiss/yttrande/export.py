"""The round's submitted answers as CSV, one row per person and question.

Semicolon-separated with a byte-order mark, because that is what Excel with Swedish
settings opens straight into columns; the csv module quotes commas, semicolons,
quotes and line breaks inside answers. A cell that Excel would take for a formula
(=, +, -, @) gets a leading apostrophe: reviewer text is data, never a formula.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session

from remiss.core.text import spreadsheet_cell
from remiss.yttrande.compile import invitees, load_round

BOM = "\ufeff"
DELIMITER = ";"
COLUMNS = (
    "referens",
    "grupper",
    "region",
    "namn",
    "e-post",
    "roll",
    "fråga",
    "frågetext",
    "svar",
    "inga synpunkter",
    "inskickat",
)


def answers_csv(session: Session, round_id: int) -> str:
    """Return every submitted answer of the round as CSV text (drafts are left out)."""
    round_ = load_round(session, round_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER)
    writer.writerow(COLUMNS)
    for person in invitees(session, round_id):
        if person.answer is None:
            continue
        for question in round_.questions:
            row = (
                round_.reference,
                person.group_names,
                person.region,
                person.name,
                person.email,
                person.role,
                question.key,
                question.text,
                person.value(question.key),
                "ja" if person.answer.no_comments else "nej",
                person.answer.created_at.isoformat(),
            )
            writer.writerow([_cell(value) for value in row])
    return BOM + out.getvalue()


def _cell(value: str) -> str:
    return spreadsheet_cell(value)
