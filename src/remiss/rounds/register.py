"""The register: every remiss with its state and dates, for the overview SÖSR keeps.

Rows come from ``progress.list_rounds`` (one query for the counts), so the register, the
dashboard and ``round list`` agree. As CSV it is what Excel with Swedish settings opens
straight into columns: semicolons, a byte-order mark, no formula from any cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from remiss.core.text import spreadsheet_cell
from remiss.rounds.progress import RoundSummary, list_rounds

COLUMNS = (
    "typ", "avsändare", "diarienummer", "titel", "status", "ansvarig grupp", "registrerad",
    "öppnad", "intern svarsdag", "nationell svarsdag", "beslutad", "skickad", "svarat",
    "tillfrågade",
)  # fmt: skip


@dataclass(frozen=True)
class Entry:
    kind: str
    issuer: str
    reference: str
    title: str
    state: str
    lead: str
    received: date | None
    opened: date | None
    internal_deadline: date
    national_deadline: date
    decided: date | None
    sent: date | None
    answered: int
    asked: int

    def cells(self) -> tuple[str, ...]:
        def day(value: date | None) -> str:
            return value.isoformat() if value is not None else ""

        return (
            self.kind, self.issuer, self.reference, self.title, self.state, self.lead,
            day(self.received), day(self.opened), day(self.internal_deadline),
            day(self.national_deadline), day(self.decided), day(self.sent),
            str(self.answered), str(self.asked),
        )  # fmt: skip


def entries(
    session: Session, tz: ZoneInfo, start: date | None = None, end: date | None = None
) -> list[Entry]:
    """Every round whose national deadline falls in [start, end] (both optional)."""
    result = []
    for r in sorted(list_rounds(session), key=_order):
        if start is not None and r.national_deadline < start:
            continue
        if end is not None and r.national_deadline > end:
            continue
        result.append(_entry(r, tz))
    return result


def _entry(r: RoundSummary, tz: ZoneInfo) -> Entry:
    return Entry(
        kind=r.kind, issuer=r.issuer, reference=r.reference, title=r.title,
        state=r.state, lead=r.lead or "",
        received=r.created_at.astimezone(tz).date() if r.created_at else None,
        opened=r.opens if r.state != "inkommen" else None,
        internal_deadline=r.internal_deadline, national_deadline=r.national_deadline,
        decided=r.decided_on,
        sent=r.sent_at.astimezone(tz).date() if r.sent_at else None,
        answered=r.answered, asked=r.invited,
    )  # fmt: skip


def _order(r: RoundSummary) -> tuple[date, str]:
    return (r.national_deadline, r.reference)


def as_csv(rows: list[Entry]) -> str:
    """The register as CSV text (with its byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_cell(c) for c in row.cells()])
    return "\ufeff" + out.getvalue()
