"""A round's timeline: every action on it, who took it and when, from the audit log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import AuditEvent, Invitation, Person
from remiss.core.swedish import counted, date_sv
from remiss.rounds.details import LABELS


def _day(value: Any) -> str:
    try:
        return date_sv(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _names(addressees: Any) -> str:
    """'Maria Holmgren <maria@…>' as the name alone: the page says who, the log keeps where."""
    names = [str(a).split(" <", 1)[0] for a in addressees or []]
    return ", ".join(names) or "ingen"


def _weighed(changed: Any) -> str:
    """What the drafter made of the comments: '2 med, 1 ej med'."""
    words = {"med": "med", "omformulerad": "omformulerade", "ej-med": "ej med"}
    count = Counter(str(c.get("choice")) for c in changed or [] if isinstance(c, dict))
    return ", ".join(f"{n} {words.get(choice, choice)}" for choice, n in count.items())


def _person(d: dict[str, Any]) -> str:
    return f" för {d['_person']}" if d.get("_person") else ""


# What each kind of event says, in Swedish; events not named here (each answer, each
# login) belong to the round page's other sections, not to its timeline.
WORDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "round.register": lambda d: "Registrerad som inkommen",
    "round.open": lambda d: (
        f"Öppnad: {counted(int(d.get('invitations', 0)), 'tillfrågad', 'tillfrågade')}"
    ),
    "round.triage": lambda d: (
        f"Triage: {d.get('decision')}" + (f" ({d['reason']})" if d.get("reason") else "")
    ),
    "round.extend": lambda d: f"Intern svarsdag flyttad till {_day(d.get('deadline'))}",
    "round.national_deadline": lambda d: (
        f"Nationell svarsdag flyttad till {_day(d.get('deadline'))}"
    ),
    "round.remind_now": lambda d: (
        f"Påminnelse skickad till {counted(int(d.get('told', 0)), 'person', 'personer')} "
        "som inte hade svarat"
    ),
    "invitation.resend": lambda d: f"Inbjudan skickad igen{_person(d)}",
    "invitation.allow_late": lambda d: f"Sent svar tillåtet{_person(d)}",
    "invitation.forward": lambda d: (
        f"{d.get('_person', 'En granskare')} vidarebefordrade sin inbjudan till {d.get('to')}"
        + (", med utkastet" if d.get("moved_draft") else "")
    ),
    "round.disagreement": lambda d: (
        "Meningsskiljaktighet rapporterad"
        + (f" till {d['mailed']} mottagare" if d.get("mailed") else "")
    ),
    "round.disagreement_handled": lambda d: (
        f"Meningsskiljaktigheten hanterad: {d.get('note')}"
        if d.get("note")
        else "Anteckningen om meningsskiljaktigheten borttagen"
    ),
    "round.close": lambda d: "Stängd för svar",
    "round.no_answers": lambda d: "Inga svar: inget yttrande",
    "draft.without_answers": lambda d: "Yttrandet skrivs utan inkomna svar",
    "draft.begin": lambda d: f"Beredning: {d.get('drafter')} skriver utkastet",
    "draft.save": lambda d: f"Utkast sparat (version {d.get('number')})",
    "draft.hand_over": lambda d: f"Utkast lämnat till samordnaren (version {d.get('number')})",
    "comment.disposition": lambda d: f"Synpunkter värderade: {_weighed(d.get('changed'))}",
    "round.anchor": lambda d: (
        f"Skickat för förankring (version {d.get('draft')}) till {_names(d.get('to'))}, "
        f"svar senast {_day(d.get('reply_by'))}"
    ),
    "anchor.renew": lambda d: (
        f"Ny version {d.get('draft')} skickad för förankring till {_names(d.get('to'))}"
    ),
    "anchor.remind": lambda d: "Påminnelse om förankringen skickad",
    "anchor.approve": lambda d: f"{d.get('name')} godkände version {d.get('draft')}",
    "anchor.comment": lambda d: (
        f"{d.get('name')} lämnade synpunkter på version {d.get('draft')}: {d.get('comment')}"
    ),
    "round.decide": lambda d: f"Beslutad av {d.get('by')} den {_day(d.get('on'))}",
    "round.decision_voided": lambda d: (
        f"Beslutet gäller inte längre: version {d.get('by_draft')} sparades efter beslutet "
        f"om version {d.get('draft')}"
    ),
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
    """The round's actions, oldest first."""
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.round_id == round_id, AuditEvent.action.in_(WORDS))
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    # Who an action on one invitation concerned, by name (one query for them all).
    ids = {e.invitation_id for e in events if e.invitation_id is not None}
    people = {
        id_: name
        for id_, name in session.execute(
            select(Invitation.id, Person.name)
            .join(Person, Person.id == Invitation.person_id)
            .where(Invitation.id.in_(ids))
        )
    }
    steps = []
    for e in events:
        detail = dict(e.detail or {})
        if e.invitation_id in people:
            detail["_person"] = people[e.invitation_id]
        steps.append(Step(e.at, e.actor, WORDS[e.action](detail)))
    return steps
