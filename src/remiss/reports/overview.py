"""The public overview of ongoing and submitted joint answers (``/oversikt`` and its feed).

SÖSR publishes which remisser it answers, in what state they are and, once sent, the
yttrande exactly as it went out (an allmän handling). What is read here is what may be
published: the sender's title, name and reference, the lead group, the state and the
national deadline. No person, no answer, no sammanställning: the decision's "by" and the
triage's reason are free text that may name someone, so they are left out too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from remiss.core.models import Invitation, Round, SentYttrande
from remiss.core.swedish import date_sv
from remiss.rounds import stage
from remiss.yttrande import sending

NO_PERIOD = "Övriga remisser"
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class PublicRound:
    """One remiss as the public sees it."""

    round_id: int
    title: str
    issuer: str
    reference: str
    lead: str
    state: str
    national_deadline: date
    sent_on: date | None
    # The yttrande as sent can be downloaded (``sent_pdf``).
    has_pdf: bool
    # When anything the overview shows last changed (the feed's ``updated``).
    updated: datetime


@dataclass(frozen=True)
class Period:
    name: str
    rounds: list[PublicRound]


def periods(session: Session, tz: ZoneInfo) -> list[Period]:
    """Every round, by remiss period (the round's ``batch``), rounds without one last.

    Periods come in the order of their earliest national deadline; rounds within one by
    national deadline and reference.
    """
    answered = set(
        session.scalars(
            select(Invitation.round_id).where(Invitation.submitted_at.is_not(None)).distinct()
        )
    )
    # Only the ids: the files themselves are read when one is downloaded.
    with_pdf = set(session.scalars(select(SentYttrande.round_id)))
    rounds = session.scalars(
        select(Round)
        .options(selectinload(Round.lead_group))
        .order_by(Round.national_deadline, Round.reference)
    )
    grouped: dict[str, list[PublicRound]] = {}
    for r in rounds:
        public = PublicRound(
            round_id=r.id,
            title=r.title,
            issuer=r.issuer,
            reference=r.reference,
            lead=r.lead_group.name if r.lead_group is not None else "",
            state=str(stage.state(r, 1 if r.id in answered else 0)),
            national_deadline=r.national_deadline,
            sent_on=r.sent_at.astimezone(tz).date() if r.sent_at is not None else None,
            has_pdf=r.id in with_pdf,
            updated=_updated(r),
        )
        grouped.setdefault(r.batch or NO_PERIOD, []).append(public)
    names = sorted(grouped, key=lambda name: name == NO_PERIOD)  # stable: first seen first
    return [Period(name, grouped[name]) for name in names]


def updated(found: list[Period], otherwise: datetime) -> datetime:
    """The newest change among the rounds, or ``otherwise`` when there are none."""
    moments = [r.updated for p in found for r in p.rounds]
    return max(moments) if moments else otherwise


def sent_pdf(session: Session, round_id: int) -> tuple[str, bytes] | None:
    """The yttrande's PDF exactly as it was sent (its file name and bytes), or None."""
    kept = sending.sent_files(session, round_id)
    content = sending.sent_bytes(kept, "pdf")
    if kept is None or content is None:
        return None
    return kept.pdf_name, content


def _updated(r: Round) -> datetime:
    """The latest of the moments the round's state changed at."""
    moments = [
        m
        for m in (
            r.created_at,
            r.closed_at,
            r.handed_over_at,
            r.decided_at,
            r.decision_voided_at,
            r.sent_at,
        )
        if m is not None
    ]
    return max(moments)


def anchor(round_id: int) -> str:
    """The round's place on the page (``/oversikt#remiss-12``)."""
    return f"remiss-{round_id}"


def pdf_path(round_id: int) -> str:
    return f"/oversikt/{round_id}/yttrande.pdf"


def feed(found: list[Period], *, base_url: str, organisation: str, updated_at: datetime) -> bytes:
    """The overview as an Atom feed (RFC 4287): one entry per round.

    An entry's id is the round's place on the page, which does not change as it moves
    through its states; its ``updated`` does.
    """

    def add(parent: ElementTree.Element, tag: str, text: str = "", **attrs: str) -> None:
        child = ElementTree.SubElement(parent, tag, attrs)
        if text:
            child.text = text

    page = f"{base_url}/oversikt"
    root = ElementTree.Element("feed", xmlns=ATOM)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "sv")
    add(root, "id", page)
    add(root, "title", f"Remisser – {organisation}")
    add(root, "subtitle", "Pågående och besvarade samordnade remissvar")
    add(root, "updated", _rfc3339(updated_at))
    author = ElementTree.SubElement(root, "author")
    add(author, "name", organisation)
    add(root, "link", rel="self", type="application/atom+xml", href=f"{page}.atom")
    add(root, "link", rel="alternate", type="text/html", href=page)
    for period in found:
        for r in period.rounds:
            entry = ElementTree.SubElement(root, "entry")
            add(entry, "id", f"{page}#{anchor(r.round_id)}")
            add(entry, "title", f"{r.reference}: {r.title}")
            add(entry, "updated", _rfc3339(r.updated))
            add(
                entry,
                "link",
                rel="alternate",
                type="text/html",
                href=f"{page}#{anchor(r.round_id)}",
            )
            if r.has_pdf:
                add(
                    entry,
                    "link",
                    rel="enclosure",
                    type="application/pdf",
                    href=f"{base_url}{pdf_path(r.round_id)}",
                    title=f"Yttrande {r.reference} (PDF)",
                )
            add(entry, "category", term=r.state, label=r.state)
            add(entry, "summary", summary(period.name, r))
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def summary(period: str, r: PublicRound) -> str:
    """The round in one line of Swedish, as the feed says it."""
    parts = [
        f"Status: {r.state}",
        f"Avsändare: {r.issuer}",
        f"Diarienummer: {r.reference}",
        f"Ansvarig grupp: {r.lead}" if r.lead else "",
        f"Nationell svarsdag: {date_sv(r.national_deadline)}",
        f"Skickat: {date_sv(r.sent_on)}" if r.sent_on is not None else "",
        f"Period: {period}",
    ]
    return ". ".join(p for p in parts if p) + "."


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
