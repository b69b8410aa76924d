"""The remisser for an RSL AU meeting: what to triage, what was answered, what goes on.

Four sections, each round one *punkt* of the minutes, numbered across the document:

1. "Remisser att besluta om samordning": every round waiting for its triage (inkommen),
   with what its kind proposes and the groups its routing would reach now.
2. "Besvarade sedan förra mötet": the yttranden sent from the previous meeting up to this
   one (both days included), each with the joint position per position question of the
   draft that was sent, and the decision.
3. "Avstår och besvaras per region": the rounds triaged so in the same days, with the
   reason given.
4. "Pågående": every other round under way, in its state, with both deadlines.

Plain values only; ``meeting_render`` lays them out as Word or PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import Round, SentYttrande, YttrandeDraft
from remiss.core.states import QuestionKind, RoundState, TriageDecision
from remiss.directory import kinds
from remiss.directory.routing import RoutingError, route
from remiss.directory.sync import organisation
from remiss.rounds.progress import RoundSummary, list_rounds
from remiss.rounds.triage import DECISION_WORDS
from remiss.yttrande import drafts

# The previous meeting, unless told: RSL AU meets every other week.
MEETING_INTERVAL = timedelta(days=14)
SECTIONS = (
    "Remisser att besluta om samordning",
    "Besvarade sedan förra mötet",
    "Avstår och besvaras per region",
    "Pågående",
)
NOT_JOINT = frozenset({RoundState.AVSTAR, RoundState.PER_REGION})
NOT_ONGOING = frozenset({RoundState.INKOMMEN, RoundState.SKICKAD}) | NOT_JOINT


@dataclass(frozen=True)
class Item:
    """A round as a punkt of the minutes: what every section says of it."""

    punkt: int
    reference: str
    title: str
    issuer: str
    kind: str
    lead: str
    state: str
    internal_deadline: date
    national_deadline: date


@dataclass(frozen=True)
class Reach:
    """Whom a registered round's routing would reach if it were opened now."""

    asked: list[str] = field(default_factory=list)  # groups asked to answer, the lead first
    informed: list[str] = field(default_factory=list)  # groups told (a kunskapsråd)
    people: int = 0
    problem: str = ""  # why routing reaches nobody now


@dataclass(frozen=True)
class ToDecide:
    item: Item
    proposal: str  # "samordnas", "besvaras per region"; empty without a known kind
    reach: Reach


@dataclass(frozen=True)
class JointPosition:
    question: str
    position: str


@dataclass(frozen=True)
class Answered:
    item: Item
    sent_on: date
    positions: list[JointPosition]
    decided_by: str
    decided_on: date | None
    paragraph: str


@dataclass(frozen=True)
class NotJoint:
    item: Item
    triaged_on: date
    reason: str


@dataclass(frozen=True)
class MeetingPack:
    organisation: str
    unit: str
    meeting: date
    since: date
    to_decide: list[ToDecide]
    answered: list[Answered]
    not_joint: list[NotJoint]
    ongoing: list[Item]

    @property
    def punkter(self) -> int:
        return len(self.to_decide) + len(self.answered) + len(self.not_joint) + len(self.ongoing)


def previous_meeting(meeting: date, since: date | None = None) -> date:
    return since if since is not None else meeting - MEETING_INTERVAL


def build(session: Session, tz: ZoneInfo, meeting: date, since: date | None = None) -> MeetingPack:
    """The pack for the meeting on ``meeting``; the previous one was on ``since``."""
    start = previous_meeting(meeting, since)
    summaries = sorted(list_rounds(session), key=lambda r: (r.national_deadline, r.reference))
    # list_rounds loaded every round into this session: each get() here is from memory.
    rounds = {s.id: session.get_one(Round, s.id) for s in summaries}
    org = organisation(session)

    def local_day(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment is not None else None

    def within(day: date | None) -> bool:
        return day is not None and start <= day <= meeting

    registered = [s for s in summaries if s.state == RoundState.INKOMMEN]
    sent = [s for s in summaries if s.state == RoundState.SKICKAD and within(local_day(s.sent_at))]
    ended = [
        s for s in summaries if s.state in NOT_JOINT and within(local_day(rounds[s.id].closed_at))
    ]
    ongoing = [s for s in summaries if s.state not in NOT_ONGOING]
    # The punkter run through the sections in the order the document has them.
    punkt = count(1)
    to_decide = [
        ToDecide(_item(s, next(punkt)), *_routing(session, rounds[s.id], org.kinds))
        for s in registered
    ]
    answered = [_answered(session, rounds[s.id], _item(s, next(punkt)), tz) for s in sent]
    not_joint = [
        NotJoint(
            _item(s, next(punkt)),
            triaged_on=local_day(rounds[s.id].closed_at) or start,
            reason=rounds[s.id].triage_reason or "",
        )
        for s in ended
    ]
    going_on = [_item(s, next(punkt)) for s in ongoing]
    return MeetingPack(
        organisation=org.name,
        unit=org.unit,
        meeting=meeting,
        since=start,
        to_decide=to_decide,
        answered=answered,
        not_joint=not_joint,
        ongoing=going_on,
    )


def _item(s: RoundSummary, punkt: int) -> Item:
    return Item(
        punkt=punkt,
        reference=s.reference,
        title=s.title,
        issuer=s.issuer,
        kind=s.kind,
        lead=s.lead or "",
        state=s.state,
        internal_deadline=s.internal_deadline,
        national_deadline=s.national_deadline,
    )


def _routing(session: Session, round_: Round, known: dict[str, Any] | None) -> tuple[str, Reach]:
    """What the kind proposes, and whom routing would reach if the round were opened now."""
    kind = kinds.find(known, round_.kind)
    proposal = ""
    if kind is not None:
        joint = kind.answer != "per-region"
        proposal = DECISION_WORDS[TriageDecision.SAMORDNAS if joint else TriageDecision.PER_REGION]
    named = [rg.group.key for rg in round_.routed_groups if rg.reason == "named"]
    lead = round_.lead_group.key if round_.lead_group is not None else None
    try:
        reached = route(session, round_.areas, named, lead)
    except RoutingError as exc:
        return proposal, Reach(problem=exc.message)
    told = [g for g, _why in reached.groups if g.informed and g.id != reached.lead.id]
    asked = [reached.lead] + [
        g for g, _why in reached.groups if g not in told and g.id != reached.lead.id
    ]
    return proposal, Reach(
        asked=[g.name for g in asked],
        informed=[g.name for g in told],
        people=len(reached.people),
    )


def _answered(session: Session, round_: Round, item: Item, tz: ZoneInfo) -> Answered:
    """The sent round with the joint positions of the draft that was sent."""
    number = session.scalar(
        select(SentYttrande.draft_number).where(SentYttrande.round_id == round_.id)
    )
    sent = (
        session.scalar(
            select(YttrandeDraft).where(
                YttrandeDraft.round_id == round_.id, YttrandeDraft.number == number
            )
        )
        if number is not None
        else None
    ) or drafts.current(session, round_.id)
    chosen = sent.positions if sent is not None else {}
    assert round_.sent_at is not None
    return Answered(
        item,
        sent_on=round_.sent_at.astimezone(tz).date(),
        positions=[
            JointPosition(q.subject or q.text, str(chosen.get(q.key) or "–"))
            for q in round_.questions
            if q.kind == QuestionKind.POSITION
        ],
        decided_by=round_.decided_by or "",
        decided_on=round_.decided_on,
        paragraph=round_.decision_paragraph or "",
    )
