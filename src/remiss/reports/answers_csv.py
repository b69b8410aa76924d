"""The round's submitted answers as CSV, one row per person with a column per question.

Semicolon-separated with a byte-order mark, because that is what Excel with Swedish
settings opens straight into columns; the csv module quotes commas, semicolons,
quotes and line breaks inside answers. A cell that Excel would take for a formula
(=, +, -, @) gets a leading apostrophe: reviewer text is data, never a formula.
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from remiss.core.text import spreadsheet_cell
from remiss.yttrande.compile import load_round
from remiss.yttrande.respondents import invitees

BOM = "\ufeff"
DELIMITER = ";"
PERSON_COLUMNS = (
    "referens",
    "grupper",
    "region",
    "namn",
    "e-post",
    "roll",
    "inskickat",
    "inga synpunkter",
)


def answers_csv(session: Session, round_id: int, tz: ZoneInfo) -> str:
    """Every submitted answer of the round as CSV: one row per person, a column per question.

    Times are Swedish local time to the minute ("2026-03-02 10:30"); drafts are left out.
    """
    round_ = load_round(session, round_id)
    questions = list(round_.questions)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER)
    writer.writerow([*PERSON_COLUMNS, *(q.text for q in questions)])
    for person in invitees(session, round_id):
        if person.answer is None:
            continue
        submitted = person.answer.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        row = (
            round_.reference,
            person.group_names,
            person.region,
            person.name,
            person.email,
            person.role,
            submitted,
            "ja" if person.answer.no_comments else "nej",
            *(person.value(q.key) for q in questions),
        )
        writer.writerow([spreadsheet_cell(value) for value in row])
    return BOM + out.getvalue()
