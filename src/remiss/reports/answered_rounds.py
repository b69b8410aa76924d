""" "Besvarade remisser": the period report for RSL AU, as Word and PDF.

What was answered jointly in the period (the yttrande sent), by whom it was decided and
when it was sent, from the register's rows.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from jinja2 import PackageLoader

from remiss.core.models import Organisation
from remiss.core.swedish import counted, date_sv
from remiss.rounds.register import Entry
from remiss.yttrande.model import Header
from remiss.yttrande.render import docx_common, html, weasy

TITLE = "Besvarade remisser"
COLUMNS = (
    "Diarienummer",
    "Remiss",
    "Avsändare",
    "Ansvarig grupp",
    "Beslutad av",
    "Beslutad",
    "Skickad",
    "Svar",
)
# The documents' environment (autoescaping, strict), reading this package's templates.
_ENV = html.environment().overlay(loader=PackageLoader("remiss.reports", "templates"))


def _cells(row: Entry) -> tuple[str, ...]:
    return (
        row.reference,
        row.title,
        row.issuer,
        row.lead,
        row.decided_by,
        date_sv(row.decided) if row.decided else "",
        date_sv(row.sent) if row.sent else "",
        f"{row.answered} av {row.asked}",
    )


def period_text(start: date | None, end: date | None) -> str:
    if start and end:
        return f"Skickade {date_sv(start)} – {date_sv(end)}"
    if start:
        return f"Skickade från och med {date_sv(start)}"
    if end:
        return f"Skickade till och med {date_sv(end)}"
    return "Alla skickade yttranden"


def answered_jointly(count: int) -> str:
    """'1 remiss besvarades gemensamt.', 'Ingen remiss besvarades gemensamt.'"""
    if count == 0:
        return "Ingen remiss besvarades gemensamt."
    return f"{counted(count, 'remiss', 'remisser')} besvarades gemensamt."


def render_html(org: Organisation, rows: list[Entry], start: date | None, end: date | None) -> str:
    return _ENV.get_template("besvarade.html.j2").render(
        org=org,
        title=TITLE,
        period=period_text(start, end),
        answered_jointly=answered_jointly(len(rows)),
        rows=rows,
        columns=COLUMNS,
        cell_rows=[_cells(r) for r in rows],
    )


def render(
    org: Organisation,
    rows: list[Entry],
    start: date | None,
    end: date | None,
    fmt: str,
    today: date,
) -> bytes:
    """The report as ``docx`` or ``pdf``."""
    if fmt == "pdf":
        return weasy.from_html(render_html(org, rows, start, end))
    document = Document()
    header = Header(
        organisation=org.name,
        organisation_short=org.short,
        unit=org.unit,
        date=today.isoformat(),
        date_text=date_sv(today),
        their_reference="",
        our_reference=None,
        recipient="RSL AU",
        title=TITLE,
    )
    docx_common.setup(document, header, TITLE)
    document.add_paragraph().add_run(org.name).bold = True
    document.add_paragraph(org.unit)
    document.add_heading(TITLE, level=1)
    document.add_paragraph(f"{period_text(start, end)}. {answered_jointly(len(rows))}")
    if rows:
        table = document.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, COLUMNS, strict=True):
            cell.paragraphs[0].add_run(title).bold = True
        docx_common.repeat_as_header(table.rows[0])
        cells = [_cells(r) for r in rows]
        for values in cells:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(docx_common.clean(value))
        docx_common.fit_columns(table, COLUMNS, cells)
    buffer = io.BytesIO()
    document.save(buffer)
    return docx_common.fixed_zip(buffer.getvalue(), today)
