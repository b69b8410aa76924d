"""Calendar entries (iCalendar) for internal deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event


@dataclass(frozen=True)
class Deadline:
    """One all-day calendar entry on a deadline."""

    uid: str
    sequence: int
    day: date
    summary: str
    description: str
    url: str | None = None


def deadline_event(
    *,
    uid: str,
    sequence: int,
    day: date,
    summary: str,
    description: str,
    url: str | None,
    stamp: datetime,
    organizer: str | None = None,
) -> bytes:
    """An all-day event on the deadline; a moved deadline keeps the UID, higher SEQUENCE."""
    entry = Deadline(uid, sequence, day, summary, description, url)
    return deadline_events([entry], stamp=stamp, organizer=organizer)


def deadline_events(
    entries: Sequence[Deadline], *, stamp: datetime, organizer: str | None = None
) -> bytes:
    """One calendar holding an all-day event for each of ``entries``."""
    calendar = Calendar()
    calendar.add("prodid", "-//remiss//remiss//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("sequence", entry.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("transp", "TRANSPARENT")
        if entry.url:
            event.add("url", entry.url)
        if organizer:
            event.add("organizer", f"mailto:{organizer}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
