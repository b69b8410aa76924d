"""How a remiss period filled up: answers per day, summed, from its first opening to its
last internal deadline, as the points of a small line chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import Invitation, Round
from remiss.core.states import InvitationStatus

WIDTH, HEIGHT = 300, 60


@dataclass(frozen=True)
class Curve:
    """A period's answers over time: the SVG polyline points, and what it says in words."""

    points: str
    answered: int
    asked: int
    first: date
    last: date


def curve(session: Session, round_ids: list[int], tz: ZoneInfo, today: date) -> Curve | None:
    """The cumulative answers of the rounds, day by day up to today or the last deadline."""
    if not round_ids:
        return None
    rounds = list(session.scalars(select(Round).where(Round.id.in_(round_ids))))
    first = min(r.opens for r in rounds)
    last = max(r.internal_deadline for r in rounds)
    rows = session.execute(
        select(Invitation.submitted_at).where(
            Invitation.round_id.in_(round_ids), Invitation.status == InvitationStatus.ACTIVE
        )
    ).all()
    asked = len(rows)
    days = [moment.astimezone(tz).date() for (moment,) in rows if moment is not None]
    if asked == 0 or last <= first:
        return None
    span = (last - first).days
    end = min(max(today, first), last)
    points = []
    for offset in range((end - first).days + 1):
        day = first + timedelta(days=offset)
        done = sum(1 for d in days if d <= day)
        x = WIDTH * offset / span
        y = HEIGHT - HEIGHT * done / asked
        points.append(f"{x:.1f},{y:.1f}")
    return Curve(" ".join(points), len(days), asked, first, last)
