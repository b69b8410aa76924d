"""Calendar entries (iCalendar) for internal deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event


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
    calendar = Calendar()
    calendar.add("prodid", "-//remiss//remiss//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    if url:
        event.add("url", url)
    if organizer:
        event.add("organizer", f"mailto:{organizer}")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
