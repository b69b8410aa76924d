"""A round's timeline: every change of its state, who made it and when, from the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import AuditEvent
from remiss.core.swedish import date_sv
from remiss.rounds.details import LABELS


def _day(value: Any) -> str:
    try:
        return date_sv(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


# What each kind of event says, in Swedish; events not named here (each answer, each
# login) belong to the round page's other sections, not to its timeline.
WORDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "round.register": lambda d: "Registrerad som inkommen",
    "round.open": lambda d: f"Öppnad: {d.get('invitations', 0)} tillfrågade",
    "round.triage": lambda d: (
        f"Triage: {d.get('decision')}" + (f" ({d['reason']})" if d.get("reason") else "")
    ),
    "round.extend": lambda d: f"Intern svarsdag flyttad till {_day(d.get('deadline'))}",
    "round.national_deadline": lambda d: (
        f"Nationell svarsdag flyttad till {_day(d.get('deadline'))}"
    ),
    "round.disagreement": lambda d: "Meningsskiljaktighet rapporterad",
    "round.close": lambda d: "Stängd för svar",
    "round.no_answers": lambda d: "Inga svar: inget yttrande",
    "draft.begin": lambda d: f"Beredning: {d.get('drafter')} skriver utkastet",
    "draft.save": lambda d: f"Utkast sparat (version {d.get('number')})",
    "draft.hand_over": lambda d: f"Utkast lämnat till samordnaren (version {d.get('number')})",
    "round.decide": lambda d: f"Beslutad av {d.get('by')} den {_day(d.get('on'))}",
    "round.send": lambda d: f"Yttrandet skickat till {d.get('to')}",
    "round.set": lambda d: (
        f"{LABELS.get(str(d.get('field')), d.get('field'))} ändrad till {d.get('after') or 'tom'}"
    ),
    "yttrande.compile": lambda d: f"Sammanställning version {d.get('number')}",
}


@dataclass(frozen=True)
class Step:
    at: datetime
    actor: str
    what: str


def timeline(session: Session, round_id: int) -> list[Step]:
    """The round's state changes, oldest first."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.round_id == round_id, AuditEvent.action.in_(WORDS))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [Step(e.at, e.actor, WORDS[e.action](e.detail or {})) for e in events]
