"""The sammanställning's Förlopp: how the round went, as the audit log recorded it.

Triage, moved deadlines, closing, each disagreement mailed and how it was handled, each
answer sent on for its consequences at system level, drafting (each version and
its author), anchoring (to whom each version went, each approval and comment), the
decision and the version it approved, a voided decision, and sending with the checksums
of what was sent. Read in the order the log holds them (time, then
id), so compiling twice with nothing new gives the same content. Compiling itself is
not part of the Förlopp, or every compile would make a new version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core.models import AuditEvent, Person
from remiss.core.swedish import date_sv, datetime_sv
from remiss.yttrande.model import Event

SYSTEM = "system"
TRIAGE_WORDS = {
    "samordnas": "samordnas",
    "per-region": "besvaras per region",
    "avstår": "besvaras inte (avstår)",
}

Detail = Mapping[str, Any]
Phrase = Callable[[Detail, Callable[[str], str]], str]


def events(session: Session, round_id: int, tz: ZoneInfo) -> tuple[Event, ...]:
    """The round's Förlopp, oldest first."""
    rows = session.execute(
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.round_id == round_id, AuditEvent.action.in_(list(PHRASES)))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    details = [row.detail or {} for row in rows]
    emails = {row.actor for row in rows} | {str(d["drafter"]) for d in details if d.get("drafter")}
    names = _names(session, emails)

    def who(email: str) -> str:
        name = names.get(email.lower())
        return f"{name} ({email})" if name else email

    return tuple(
        Event(
            at=row.at.isoformat(),
            when=datetime_sv(row.at, tz),
            text=PHRASES[row.action](detail, who),
            by="" if row.actor == SYSTEM else who(row.actor),
        )
        for row, detail in zip(rows, details, strict=True)
    )


def _names(session: Session, emails: set[str]) -> dict[str, str]:
    lowered = sorted({e.lower() for e in emails if e and e != SYSTEM})
    if not lowered:
        return {}
    rows = session.execute(
        select(func.lower(Person.email), Person.name).where(func.lower(Person.email).in_(lowered))
    ).all()
    return {email: name for email, name in rows}


def _triage(detail: Detail, who: Callable[[str], str]) -> str:
    decision = str(detail.get("decision") or "")
    text = f"Triage: remissen {TRIAGE_WORDS.get(decision, decision)}."
    if detail.get("previous"):
        previous = str(detail["previous"])
        text += f" Ändrat från: {TRIAGE_WORDS.get(previous, previous)}."
    if detail.get("reason"):
        text += f" Skäl: {detail['reason']}"
        text += "" if str(detail["reason"]).rstrip().endswith((".", "!", "?")) else "."
    return text


def _extend(detail: Detail, who: Callable[[str], str]) -> str:
    return f"Den interna svarsdagen flyttades till {_date(detail.get('deadline'))}."


def _national(detail: Detail, who: Callable[[str], str]) -> str:
    return f"Avsändarens svarsdag flyttades till {_date(detail.get('deadline'))}."


def _close(detail: Detail, who: Callable[[str], str]) -> str:
    return "Insamlingen av svar stängdes."


def _disagreement(detail: Detail, who: Callable[[str], str]) -> str:
    to = [str(address) for address in detail.get("to") or []]
    count = len(to) if to else int(detail.get("mailed") or 0)
    about = "; ".join(f"”{q}”" for q in detail.get("questions") or [])
    text = (
        f"Meningsskiljaktighet{f' om {about}' if about else ''} mejlades till {_recipients(count)}"
    )
    return f"{text}: {', '.join(to)}." if to else f"{text}."


def _handled(detail: Detail, who: Callable[[str], str]) -> str:
    note = str(detail.get("note") or "").strip()
    return f"Meningsskiljaktigheten hanterades: {note}" + (
        "" if note.endswith((".", "!", "?")) else "."
    )


def _system_level(detail: Detail, who: Callable[[str], str]) -> str:
    to = [str(address) for address in detail.get("to") or []]
    return (
        f"Ett svar från {detail.get('who')} med konsekvenser på systemnivå skickades till "
        f"{_recipients(len(to))}: {', '.join(to)}."
    )


def _begin(detail: Detail, who: Callable[[str], str]) -> str:
    drafter = detail.get("drafter")
    return (
        f"Beredningen började; handläggare: {who(str(drafter))}."
        if drafter
        else "Beredningen började."
    )


def _draft(detail: Detail, who: Callable[[str], str]) -> str:
    return f"Utkast version {detail.get('number')} sparades."


def _hand_over(detail: Detail, who: Callable[[str], str]) -> str:
    return f"Utkast version {detail.get('number')} lämnades till samordnaren."


def _anchor(detail: Detail, who: Callable[[str], str]) -> str:
    to = ", ".join(str(a) for a in detail.get("to") or [])
    again = " på nytt" if detail.get("again") else ""
    by = f", svar senast {_date(detail['reply_by'])}" if detail.get("reply_by") else ""
    return f"Utkast version {detail.get('draft')} skickades{again} för förankring till {to}{by}."


def _anchor_renew(detail: Detail, who: Callable[[str], str]) -> str:
    return _anchor({**detail, "again": True}, who)


def _approve(detail: Detail, who: Callable[[str], str]) -> str:
    said = f" Kommentar: {detail['comment']}" if detail.get("comment") else ""
    return f"{detail.get('name')} godkände utkast version {detail.get('draft')}.{said}"


def _anchor_comment(detail: Detail, who: Callable[[str], str]) -> str:
    return (
        f"{detail.get('name')} lämnade synpunkter på utkast version {detail.get('draft')}: "
        f"{detail.get('comment')}"
    )


def _decide(detail: Detail, who: Callable[[str], str]) -> str:
    paragraph = f" ({detail['paragraph']})" if detail.get("paragraph") else ""
    text = f"Beslut av {detail.get('by')} den {_date(detail.get('on'))}{paragraph}"
    text += f" om utkast version {detail['draft']}." if detail.get("draft") else "."
    signatories = [_signatory(s) for s in detail.get("signatories") or []]
    if signatories:
        text += f" Undertecknare: {'; '.join(signatories)}."
    own = detail.get("own_decisions") or {}
    if own:
        said = [f"{code} {'ja' if yes else 'nej'}" for code, yes in own.items()]
        text += f" Eget beslut i regionerna: {', '.join(said)}."
    return text


def _voided(detail: Detail, who: Callable[[str], str]) -> str:
    return (
        f"Beslutet om utkast version {detail.get('draft')} gäller inte längre: "
        f"version {detail.get('by_draft')} sparades efter beslutet."
    )


def _send(detail: Detail, who: Callable[[str], str]) -> str:
    again = " igen" if detail.get("again") else ""
    version = f" (utkast version {detail['draft']})" if detail.get("draft") else ""
    text = f"Yttrandet{version} skickades{again} till {detail.get('to')}."
    sums = [
        f"{name} {detail[key]}"
        for name, key in (("PDF", "pdf_sha256"), ("Word", "docx_sha256"))
        if detail.get(key)
    ]
    return f"{text} SHA-256: {'; '.join(sums)}." if sums else text


def _date(value: Any) -> str:
    try:
        return date_sv(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _recipients(count: int) -> str:
    return "en mottagare" if count == 1 else f"{count} mottagare"


def _signatory(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(str(value[k]) for k in ("name", "title") if value.get(k))
    return str(value)


PHRASES: dict[str, Phrase] = {
    "round.triage": _triage,
    "round.extend": _extend,
    "round.national_deadline": _national,
    "round.close": _close,
    "round.disagreement": _disagreement,
    "round.disagreement_handled": _handled,
    "answer.system_level": _system_level,
    "draft.begin": _begin,
    "draft.save": _draft,
    "draft.hand_over": _hand_over,
    "round.anchor": _anchor,
    "anchor.renew": _anchor_renew,
    "anchor.approve": _approve,
    "anchor.comment": _anchor_comment,
    "round.decide": _decide,
    "round.decision_voided": _voided,
    "round.send": _send,
}
