"""Opening rounds: deadlines resolved, routed to groups, invitations issued.

A batch is planned whole before anything is written, so a bad round refuses the
file and nothing changes. Opening a reference that exists sends nothing new. The rounds
opened together invite each person once (``batching``): one email for all their rounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import RoundNotFound
from remiss.core.models import Invitation, Question, Round, RoundGroup
from remiss.core.settings import Settings
from remiss.core.states import RoundStatus
from remiss.directory.routing import Route, route
from remiss.rounds import batching, resuming, svarsmall
from remiss.rounds.checking import every_plan
from remiss.rounds.issuing import Invitee
from remiss.rounds.planning import RoundPlan
from remiss.rounds.resuming import OPENING
from remiss.rounds.spec import ParsedRound


@dataclass
class OpenedRound:
    round_id: int
    reference: str
    title: str
    created: bool
    invitations: int
    internal_deadline: date
    # Told of the round, not asked: informed groups' members (a kunskapsråd), each processtöd.
    informed: int = 0
    # Opened before, but cut short: this run invited the rest.
    resumed: bool = False


def find(session: Session, ref: str | int) -> Round:
    """A round by reference, or by id: ``#12`` is always id 12, a bare ``12`` only when no
    round has the reference "12" (a sender's dnr may be a plain number)."""
    round_: Round | None = None
    text = str(ref).strip()
    if isinstance(ref, int) or (text.startswith("#") and text[1:].isdigit()):
        round_ = _by_id(session, int(text.lstrip("#")))
    else:
        round_ = session.scalars(select(Round).where(Round.reference == text)).first()
        if round_ is None and text.isdigit():
            round_ = _by_id(session, int(text))
    if round_ is None:
        raise RoundNotFound(ref)
    return round_


def _by_id(session: Session, round_id: int) -> Round | None:
    # Ids are 32-bit in the database; a larger number names no round.
    return session.get(Round, round_id) if 0 < round_id < 2**31 else None


@dataclass
class Opening:
    """A round written and routed, with the people it still has to invite."""

    round: Round
    route: Route | None
    result: OpenedRound
    invitees: list[Invitee] = field(default_factory=list)

    @property
    def inviting(self) -> bool:
        """Whether invitations are to be issued (and the opening then finished)."""
        return self.route is not None


def _outcome(round_: Round, *, created: bool, resumed: bool = False) -> OpenedRound:
    """What opening ``round_`` came to, before any invitation is counted."""
    return OpenedRound(
        round_id=round_.id,
        reference=round_.reference,
        title=round_.title,
        created=created,
        invitations=0,
        internal_deadline=round_.internal_deadline,
        resumed=resumed,
    )


def _create(
    session: Session, plan_: RoundPlan, actor: str, *, triage: bool, resumable: bool
) -> Opening:
    spec = plan_.parsed.spec
    d = plan_.deadlines
    round_ = Round(
        reference=spec.reference,
        title=spec.title,
        kind=spec.kind,
        issuer=spec.issuer,
        documents=[doc.model_dump() for doc in spec.documents],
        areas=list(spec.areas),
        batch=spec.period,
        lead_group_id=plan_.route.lead.id,
        opens=d.opens,
        national_deadline=d.national,
        internal_deadline=d.internal,
        internal_deadline_at=d.internal_at,
        deadline_version=0,
        question_set=spec.question_set_name,
        coordinator=spec.coordinator,
        our_reference=spec.our_reference,
        recipient=spec.recipient or (plan_.kind.recipient if plan_.kind else None),
        status=RoundStatus.REGISTERED if triage else RoundStatus.OPEN,
        created_at=now(),
    )
    session.add(round_)
    session.flush()
    for position, q in enumerate(plan_.questions.questions):
        session.add(
            Question(
                round_id=round_.id,
                position=position,
                key=q.key,
                kind=q.kind,
                text=q.text,
                options=list(q.options),
                required=q.required,
                subject=q.subject,
            )
        )
    for group, reason in plan_.route.groups:
        session.add(RoundGroup(round_id=round_.id, group_id=group.id, reason=reason))
    if plan_.svarsmall is not None:
        svarsmall.keep(session, round_.id, plan_.svarsmall)
    session.flush()
    session.refresh(round_, ["lead_group"])
    result = _outcome(round_, created=True)
    if triage:
        audit.record(
            session, actor, "round.register", round_id=round_.id, reference=round_.reference
        )
        return Opening(round_, None, result)
    if resumable:
        # Invitations follow in transactions of their own: until "round.open" is recorded
        # with the last of them, opening the same file again resumes the round (``_resume``).
        audit.record(session, actor, OPENING, round_id=round_.id, reference=round_.reference)
    return Opening(round_, plan_.route, result, list(plan_.route.people.values()))


def _resume(session: Session, round_: Round, routed: Route) -> Opening:
    """A round whose opening was cut short: the people routed to it not yet invited."""
    session.refresh(round_, ["lead_group"])  # the invitation names it, after this session
    invited = set(
        session.scalars(select(Invitation.person_id).where(Invitation.round_id == round_.id))
    )
    result = _outcome(round_, created=False, resumed=True)
    invitees = [entry for person_id, entry in routed.people.items() if person_id not in invited]
    return Opening(round_, routed, result, invitees)


def resume(session: Session, round_: Round) -> Opening:
    """A round whose opening was cut short, routed from what it stores (its areas, groups
    and lead) as opening its file again routes it: the people not yet invited."""
    return _resume(session, round_, resuming.routed_from(session, round_))


def invite(session: Session, settings: Settings, round_: Round, route_: Route) -> int:
    """Ask everyone the route reaches; tell the informed groups. Returns how many were asked."""
    invited = batching.issue_all(session, settings, [(round_, list(route_.people.values()))])
    batching.inform(session, settings, [(round_, route_)])
    return invited[round_.id]


def finish(
    session: Session,
    settings: Settings,
    openings: Sequence[Opening],
    actor: str,
    invited: Mapping[int, int],
) -> tuple[list[OpenedRound], int]:
    """Tell the informed (one email per person for all ``openings``) and record each opening,
    once its invitations are issued (``invited``: by round id). Returns what each opening
    came to, and how many emails telling the informed were queued."""
    routes = []
    for opening in openings:
        assert opening.route is not None
        routes.append((opening.round, opening.route))
    told = batching.inform(session, settings, routes)
    counted = session.execute(
        select(Invitation.round_id, func.count())
        .where(Invitation.round_id.in_([round_.id for round_, _ in routes]))
        .group_by(Invitation.round_id)
    )
    totals: dict[int, int] = {round_id: n for round_id, n in counted}
    results = []
    for opening in openings:
        round_ = opening.round
        audit.record(
            session,
            actor,
            resuming.OPENED,
            round_id=round_.id,
            reference=round_.reference,
            invitations=totals.get(round_.id, 0),
            informed=told.people[round_.id],
        )
        results.append(
            replace(
                opening.result,
                invitations=invited.get(round_.id, 0),
                informed=told.people[round_.id],
            )
        )
    return results, told.messages


def prepare(
    session: Session,
    settings: Settings,
    parsed: list[ParsedRound],
    actor: str = "system",
    *,
    triage: bool = False,
    resumable: bool = False,
) -> list[Opening]:
    """Check every round, then write those not yet there (without their invitations).

    Nothing is written unless every round passes. With ``resumable`` the invitations
    are to be issued in transactions of their own (``rounds.launch``): a round whose
    opening was cut short is then picked up where it stopped.
    """
    plans = every_plan(session, settings, parsed)
    opened = [entry.id for entry in plans if isinstance(entry, Round)]
    cut_short = resuming.cut_short(session, opened)
    openings = []
    for item, entry in zip(parsed, plans, strict=True):
        if isinstance(entry, Round) and entry.id in cut_short:
            spec = item.spec
            routed = route(session, spec.areas, spec.groups, spec.lead)
            openings.append(_resume(session, entry, routed))
        elif isinstance(entry, Round):
            openings.append(Opening(entry, None, _outcome(entry, created=False)))
        else:
            openings.append(_create(session, entry, actor, triage=triage, resumable=resumable))
    return openings


def open_rounds(
    session: Session,
    settings: Settings,
    parsed: list[ParsedRound],
    actor: str = "system",
    *,
    triage: bool = False,
) -> list[OpenedRound]:
    """Open every round not yet open, in the caller's transaction; all are checked first.

    With ``triage`` the rounds are only registered (``inkommen``): routed, but nobody is
    asked until the triage decides that the remiss is answered jointly.
    """
    openings = prepare(session, settings, parsed, actor, triage=triage)
    inviting = [o for o in openings if o.inviting]
    if not inviting:
        return [o.result for o in openings]
    invited = batching.issue_all(session, settings, [(o.round, o.invitees) for o in inviting])
    finished, _messages = finish(session, settings, inviting, actor, invited)
    by_round = {result.round_id: result for result in finished}
    return [by_round[o.round.id] if o.inviting else o.result for o in openings]
