"""Meningsskiljaktighet, escalated while the round runs: when it matters, and once.

When two groups or two regions hold opposite positions on a position question, or the
lead group is split (``majorities``), the coordinator, the lead's officer, the informed
groups' members and each group's processtöd get one email: who holds which position
(groups and regions, never persons) and the minority's reasoning (``disagreement_report``).
At most one a working day, and only when a group or region joined a side since the last
one: what that said is kept on the round (``disagreement_mailed``). Something new on a day
already mailed is looked at again the next working day, in the morning. The coordinator
records how the disagreement was handled (``handle``); the sammanställning's Förlopp
carries both.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.db import reader
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import (
    Membership,
    Person,
    Round,
)
from remiss.core.settings import Settings
from remiss.core.states import QuestionKind, RoundStatus
from remiss.core.text import printable
from remiss.core.workdays import is_working_day
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.reviewers import disagreement_report, majorities, positions_held
from remiss.reviewers.majorities import AGAINST, FOR, Picture
from remiss.rounds import told
from remiss.yttrande import drafts, wording

# When a disagreement held back by a day already mailed is looked at again: the next
# working day's morning, so that it reaches people as the day begins.
MORNING = time(7)
HANDLED_MOST = 5000  # characters of a coordinator's note

Holder = tuple[str, str, str, str]  # question key, GROUP | REGION, name, side


def picture(session: Session, round_: Round) -> list[Picture]:
    """Every position question whose submitted positions are a disagreement to report."""
    found = []
    held = positions_held.stances(session, round_)
    lead = round_.lead_group.name if round_.lead_group is not None else None
    for question in round_.questions:
        if question.kind == QuestionKind.POSITION:
            looked = majorities.look(question.key, question.text, held[question.key], lead)
            if looked.escalates:
                found.append(looked)
    return found


def joined(pictures: list[Picture], mailed: list[Any] | None) -> set[Holder]:
    """Who holds a side now, in a disagreement to report, that no report has told of."""
    told = {tuple(entry) for entry in mailed or ()}
    return {h for p in pictures for h in p.holders() if h not in told}


def escalate(session: Session, settings: Settings, round_: Round) -> int:
    """Mail the disagreement if a group or region joined a side since the last mail, and
    none went today; returns how many were queued. Held back by a day already mailed (or
    not a working day), the round is looked at again the next working day's morning.

    Only a look that finds someone new locks the round's row (against other writers, not
    against answers being submitted) and looks again under the lock: submissions at once
    escalate one after the other, each with every answer committed before it.
    """
    if not joined(picture(session, round_), round_.disagreement_mailed):
        return 0
    round_ = session.scalars(
        select(Round)
        .where(Round.id == round_.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()
    pictures = picture(session, round_)
    new = joined(pictures, round_.disagreement_mailed)
    if not new:
        return 0
    today = now().astimezone(settings.tz).date()
    if round_.disagreement_mailed_on == today or not is_working_day(today):
        round_.disagreement_due_at = next_morning(today, settings.tz)
        session.flush()
        return 0
    first = round_.disagreement_mailed is None
    items = _items(session, round_, pictures, set() if first else new)
    # Who was told of stays told of: one who leaves a side and comes back is not new.
    told = {tuple(h) for h in round_.disagreement_mailed or ()} | new
    held = sorted(list(h) for h in told)
    round_.disagreement_mailed, round_.disagreement_mailed_on = held, today
    round_.disagreement_key = hashlib.sha256(repr(held).encode("utf-8")).hexdigest()
    org = organisation(session)
    sent = 0
    addresses = recipients(session, round_)
    for address in addresses:
        email = catalogue.disagreement(round_=round_, org=org, to=address, items=items)
        key = f"disagreement:{round_.id}:{today.isoformat()}:{address}"
        sent += outbox.queue(session, settings, key=key[:200], email=email, round_id=round_.id)
    # When and to whom: the sammanställning's Förlopp reads it from here.
    audit.record(
        session,
        "system",
        "round.disagreement",
        round_id=round_.id,
        mailed=sent,
        to=addresses,
        questions=[item.question for item in items],
    )
    session.flush()
    return sent


def _items(
    session: Session, round_: Round, pictures: list[Picture], new: set[Holder]
) -> list[catalogue.Disagreement]:
    """The email's part on each question, the minority's comments read for it."""
    minority = {s.respondent for p in pictures for s in p.minority()}
    values = positions_held.submitted_values(session, minority)
    items = []
    for looked in pictures:
        question = next(q for q in round_.questions if q.key == looked.key)
        ends = majorities.directions(list(question.options))
        assert ends is not None  # a question with no two sides escalates nothing
        verbs = {FOR: wording.verb(ends[0]), AGAINST: wording.verb(ends[1])}
        comments = {
            s.respondent: disagreement_report.comments_on(
                round_.questions, looked.key, values.get(s.respondent, {})
            )
            for s in looked.minority()
        }
        mine = {h for h in new if h[0] == looked.key}
        items.append(disagreement_report.item(looked, verbs, comments, mine))
    return items


def next_morning(today: date, tz: ZoneInfo) -> datetime:
    """The morning of the first working day after ``today``."""
    day = today + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, MORNING, tzinfo=tz)


def escalate_round(sessions: sessionmaker[Session], settings: Settings, round_id: int) -> int:
    """``escalate`` in a transaction of its own, with what is committed by now.

    The picture is looked at first without a write lock (most answers change nothing
    that is mailed); only one with someone new is looked at again in a transaction that
    may write.
    """
    with sessions(bind=reader(sessions.kw["bind"])) as session:
        round_ = session.get(Round, round_id)
        if round_ is None or not joined(picture(session, round_), round_.disagreement_mailed):
            return 0
    with sessions.begin() as session:
        round_ = session.get(Round, round_id)
        return escalate(session, settings, round_) if round_ is not None else 0


def recipients(session: Session, round_: Round) -> list[str]:
    """The coordinator, the lead's officer, the informed groups' members and everyone else
    told of the round (each group's processtöd: their information email promised it)."""
    addresses = [round_.coordinator]
    officer = drafts.lead_officer(session, round_)
    if officer is not None:
        addresses.append(officer[0].email)
    addresses += informed_members(session, round_)
    addresses += [email for _id, _name, email in told.told_of(session, round_)]
    return list(dict.fromkeys(a.lower() for a in addresses))


def informed_members(session: Session, round_: Round) -> list[str]:
    """The addresses of the active members of the groups told of the round (kunskapsråd)."""
    informed = [
        rg.group.id
        for rg in round_.routed_groups
        if rg.group.informed and rg.group.id != round_.lead_group_id
    ]
    if not informed:
        return []
    return list(
        session.scalars(
            select(Person.email)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.group_id.in_(informed), Membership.active, Person.active)
            .distinct()
            .order_by(Person.email)
        )
    )


def handle(session: Session, round_id: int, text: str, actor: str) -> Round:
    """Record how the disagreement was handled: kept on the round, and audited for the
    sammanställning's Förlopp. A later note replaces the round's; the log keeps each."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise RoundNotFound(round_id)
    note = printable(text).strip()
    if not note:
        raise InputError("skriv hur meningsskiljaktigheten hanterades", field="handled")
    if len(note) > HANDLED_MOST:
        raise InputError(f"högst {HANDLED_MOST} tecken", field="handled")
    if round_.status in (RoundStatus.REGISTERED, RoundStatus.ENDED):
        raise Refused(f"{round_.reference}: remissen har inga svar att vara oense om")
    if round_.sent_at is not None:
        raise Refused(
            f"{round_.reference}: yttrandet är redan skickat; en skickad remiss ändras inte"
        )
    round_.disagreement_handled = note
    audit.record(session, actor, "round.disagreement_handled", round_id=round_id, note=note)
    session.flush()
    return round_
