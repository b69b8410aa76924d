"""The RSL AU meeting pack as Word (python-docx) and PDF (WeasyPrint from its HTML).

Both formats say the same, from one list of sections: each round a "Punkt N" heading
and its facts as label–value lines.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from jinja2 import PackageLoader

from remiss.core.states import RoundState
from remiss.core.swedish import date_sv
from remiss.reports.meeting_pack import (
    SECTIONS,
    Answered,
    Item,
    MeetingPack,
    NotJoint,
    ToDecide,
)
from remiss.yttrande.model import Header
from remiss.yttrande.render import docx_common, html, weasy

_ENV = html.environment().overlay(loader=PackageLoader("remiss.reports", "templates"))
ENDED = {RoundState.AVSTAR: "besvaras inte (avstår)", RoundState.PER_REGION: "besvaras per region"}


@dataclass(frozen=True)
class Point:
    heading: str  # "Punkt 3. KS-2026-022: 3D-utskrivna medicintekniska produkter"
    lines: list[tuple[str, str]]


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    points: list[Point]


def title(pack: MeetingPack) -> str:
    return f"Remisser till RSL AU {date_sv(pack.meeting)}"


def file_name(pack: MeetingPack, fmt: str) -> str:
    return f"RSL-AU-{pack.meeting.isoformat()}-remisser.{fmt}"


def sections(pack: MeetingPack) -> list[Section]:
    days = f"{date_sv(pack.since)} – {date_sv(pack.meeting)}"
    return [
        Section(
            SECTIONS[0],
            "Inkomna remisser att besluta om: samordnas, besvaras per region eller avstår.",
            [_to_decide(p) for p in pack.to_decide],
        ),
        Section(SECTIONS[1], f"Yttranden skickade {days}.", [_answered(p) for p in pack.answered]),
        Section(SECTIONS[2], f"Beslutade {days}.", [_not_joint(p) for p in pack.not_joint]),
        Section(SECTIONS[3], "Remisser under arbete.", [_ongoing(p) for p in pack.ongoing]),
    ]


def _heading(item: Item) -> str:
    return f"Punkt {item.punkt}. {item.reference}: {item.title}"


def _to_decide(p: ToDecide) -> Point:
    reach = p.reach
    lines = [
        ("Avsändare", p.item.issuer),
        ("Typ", p.item.kind),
        ("Nationell svarsdag", date_sv(p.item.national_deadline)),
        ("Förslag till beslut", p.proposal or "inget förslag"),
    ]
    if reach.problem:
        lines.append(("Tillfrågas", f"ingen: {reach.problem}"))
    else:
        people = f"{reach.people} {'person' if reach.people == 1 else 'personer'}"
        lines.append(("Tillfrågas", f"{', '.join(reach.asked)} ({people})"))
        if reach.informed:
            lines.append(("För kännedom", ", ".join(reach.informed)))
    return Point(_heading(p.item), lines)


def _answered(p: Answered) -> Point:
    lines = [
        ("Avsändare", p.item.issuer),
        ("Ansvarig grupp", p.item.lead),
        ("Skickat", date_sv(p.sent_on)),
    ]
    single = len(p.positions) == 1
    for joint in p.positions:
        label = "Ställningstagande" if single else f"Ställningstagande, {joint.question}"
        lines.append((label, joint.position))
    decision = ", ".join(
        part
        for part in (
            p.decided_by,
            date_sv(p.decided_on) if p.decided_on is not None else "",
            p.paragraph,
        )
        if part
    )
    lines.append(("Beslut", decision))
    return Point(_heading(p.item), lines)


def _not_joint(p: NotJoint) -> Point:
    return Point(
        _heading(p.item),
        [
            ("Avsändare", p.item.issuer),
            ("Beslut", ENDED.get(RoundState(p.item.state), p.item.state)),
            ("Beslutat", date_sv(p.triaged_on)),
            ("Skäl", p.reason or "inget skäl angivet"),
        ],
    )


def _ongoing(item: Item) -> Point:
    return Point(
        _heading(item),
        [
            ("Avsändare", item.issuer),
            ("Status", item.state),
            ("Ansvarig grupp", item.lead),
            ("Intern svarsdag", date_sv(item.internal_deadline)),
            ("Nationell svarsdag", date_sv(item.national_deadline)),
        ],
    )


def render_html(pack: MeetingPack) -> str:
    return _ENV.get_template("meeting_pack.html.j2").render(
        pack=pack,
        title=title(pack),
        meeting=date_sv(pack.meeting),
        since=date_sv(pack.since),
        sections=sections(pack),
    )


def render(pack: MeetingPack, fmt: str) -> bytes:
    """The pack as ``docx`` or ``pdf``."""
    if fmt == "pdf":
        return weasy.from_html(render_html(pack))
    name = title(pack)
    document = Document()
    header = Header(
        organisation=pack.organisation,
        organisation_short="",
        unit=pack.unit,
        date=pack.meeting.isoformat(),
        date_text=date_sv(pack.meeting),
        their_reference="",
        our_reference=None,
        recipient="RSL AU",
        title=name,
    )
    docx_common.setup(document, header, name)
    body = docx_common.Body(document)
    docx_common.labelled(body, pack.organisation, "")
    body.add_paragraph(docx_common.clean(pack.unit))
    body.add_heading(name, level=1)
    body.add_paragraph(f"Mötesdag {date_sv(pack.meeting)}. Förra mötet {date_sv(pack.since)}.")
    for section in sections(pack):
        body.add_heading(section.title, level=2)
        body.add_paragraph(section.intro)
        if not section.points:
            body.add_paragraph("Inga remisser.")
        for point in section.points:
            body.add_heading(point.heading, level=3)
            for label, value in point.lines:
                docx_common.labelled(body, f"{label}: ", value)
    buffer = io.BytesIO()
    document.save(buffer)
    return docx_common.fixed_zip(buffer.getvalue(), pack.meeting)
