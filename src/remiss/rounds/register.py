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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core.models import Group, Invitation, InvitationGroup, Round
from remiss.core.states import InvitationStatus, RoundStatus
from remiss.core.text import spreadsheet_cell
from remiss.rounds.progress import RoundSummary, list_rounds

COLUMNS = (
    "typ",
    "avsändare",
    "diarienummer",
    "titel",
    "status",
    "ansvarig grupp",
    "registrerad",
    "öppnad",
    "intern svarsdag",
    "nationell svarsdag",
    "beslutad",
    "skickad",
    "svarat",
    "tillfrågade",
)


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
    decided_by: str = ""
    round_id: int = 0

    def cells(self) -> tuple[str, ...]:
        def day(value: date | None) -> str:
            return value.isoformat() if value is not None else ""

        return (
            self.kind,
            self.issuer,
            self.reference,
            self.title,
            self.state,
            self.lead,
            day(self.received),
            day(self.opened),
            day(self.internal_deadline),
            day(self.national_deadline),
            day(self.decided),
            day(self.sent),
            str(self.answered),
            str(self.asked),
        )


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


@dataclass(frozen=True)
class PeriodPicture:
    """Per remiss period: answered in time, answered late, not answered (and still open)."""

    period: str
    in_time: int
    late: int
    not_answered: int
    ongoing: int


def pictures(session: Session, tz: ZoneInfo, rows: list[Entry]) -> list[PeriodPicture]:
    """How the rounds of each period went: sent by the national deadline, after it, or not."""
    periods = {r.reference: (r.batch or "Övriga remisser") for r in list_rounds(session)}
    counts: dict[str, list[int]] = {}
    for row in rows:
        cell = counts.setdefault(periods.get(row.reference, "Övriga remisser"), [0, 0, 0, 0])
        if row.sent is not None:
            cell[0 if row.sent <= row.national_deadline else 1] += 1
        elif row.state in ("avstår", "per region", "inga svar"):
            cell[2] += 1
        else:
            cell[3] += 1
    return [PeriodPicture(name, *cell) for name, cell in counts.items()]


@dataclass(frozen=True)
class GroupRate:
    group: str
    answered: int
    asked: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.asked) if self.asked else 0


def group_rates(session: Session, references: list[str]) -> list[GroupRate]:
    """Per group: how many of those asked through it answered, over the given rounds that have
    closed (a round still collecting would count its not-yet-answered as not answering)."""
    rows = session.execute(
        select(
            Group.name,
            func.count(Invitation.id),
            func.count(Invitation.submitted_at),
        )
        .join(InvitationGroup, InvitationGroup.group_id == Group.id)
        .join(Invitation, Invitation.id == InvitationGroup.invitation_id)
        .join(Round, Round.id == Invitation.round_id)
        .where(Round.reference.in_(references), Invitation.status == InvitationStatus.ACTIVE)
        .where(Round.status.in_((RoundStatus.CLOSED, RoundStatus.ENDED)))
        .group_by(Group.name)
        .order_by(Group.name)
    )
    return [GroupRate(name, int(answered), int(asked)) for name, asked, answered in rows]


def answered_in(rows: list[Entry], start: date | None, end: date | None) -> list[Entry]:
    """ "Besvarade remisser": the rounds whose yttrande was sent in [start, end]."""
    return [
        r
        for r in rows
        if r.sent is not None
        and (start is None or r.sent >= start)
        and (end is None or r.sent <= end)
    ]


def _entry(r: RoundSummary, tz: ZoneInfo) -> Entry:
    return Entry(
        kind=r.kind,
        issuer=r.issuer,
        reference=r.reference,
        title=r.title,
        state=r.state,
        lead=r.lead or "",
        received=r.created_at.astimezone(tz).date() if r.created_at else None,
        opened=r.opens if r.state != "inkommen" else None,
        internal_deadline=r.internal_deadline,
        national_deadline=r.national_deadline,
        decided=r.decided_on,
        sent=r.sent_at.astimezone(tz).date() if r.sent_at else None,
        answered=r.answered,
        asked=r.invited,
        decided_by=r.decided_by or "",
        round_id=r.id,
    )


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
