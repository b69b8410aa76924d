"""Opening rounds: deadlines resolved, routed to groups, invitations issued.

A batch is planned whole before anything is written, so a bad round refuses the
file and nothing changes. Opening a reference that exists sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, RoundNotFound
from remiss.core.models import Question, Round, RoundGroup
from remiss.core.settings import Settings
from remiss.core.states import RoundStatus
from remiss.core.swedish import date_sv
from remiss.core.workdays import end_of_day, on_or_before_working_day, working_days_before
from remiss.directory import kinds
from remiss.directory.kinds import KindSpec
from remiss.directory.routing import Route, RoutingError, route
from remiss.directory.sync import organisation
from remiss.mail import catalogue, outbox
from remiss.rounds import invitations
from remiss.rounds.questions import QuestionSetSpec
from remiss.rounds.spec import ParsedRound, RoundSpec


@dataclass
class Deadlines:
    opens: date
    national: date
    internal: date
    internal_at: datetime


@dataclass
class RoundPlan:
    parsed: ParsedRound
    deadlines: Deadlines
    route: Route
    questions: QuestionSetSpec
    kind: KindSpec | None = None


@dataclass
class OpenedRound:
    round_id: int
    reference: str
    title: str
    created: bool
    invitations: int
    internal_deadline: date
    # Members of informed groups (a kunskapsråd) told of the round, not asked.
    informed: int = 0


def resolve_deadlines(
    parsed: ParsedRound, settings: Settings, margin_days: int | None = None
) -> Deadlines:
    """Work out the window in local time; refuse a window that is inverted or past.

    Without an internal deadline in the file it lies ``margin_days`` working days (the
    kind's, else the setting's) before the national one.
    """
    spec = parsed.spec
    today = now().astimezone(settings.tz).date()
    opens = spec.opens or today
    # A national end date on a holiday moves back to the working day before.
    national = on_or_before_working_day(spec.deadline)
    if opens > spec.deadline:
        raise parsed.error(
            f"svarstiden är omvänd: start {opens} ligger efter sista svarsdag {spec.deadline}",
            "opens",
        )
    if spec.internal_deadline is not None:
        internal = spec.internal_deadline
        # Against the national date as moved off a holiday, not the date as written.
        if internal > national:
            raise parsed.error(
                f"den interna svarsdagen {internal} ligger efter den nationella "
                f"svarsdagen {national}",
                "internal_deadline",
            )
        field = "internal_deadline"
    else:
        margin = settings.internal_margin_days if margin_days is None else margin_days
        internal = working_days_before(national, margin)
        field = "deadline"
    if internal < opens:
        raise parsed.error(
            f"den interna svarsdagen {internal} ligger före remissens start ({opens}); "
            "ange internal_deadline",
            field,
        )
    internal_at = end_of_day(internal, settings.tz)
    if internal_at <= now():
        raise parsed.error(
            f"den interna svarsdagen {date_sv(internal)} har redan passerat",
            field,
        )
    return Deadlines(opens=opens, national=national, internal=internal, internal_at=internal_at)


def plan(session: Session, parsed: ParsedRound, settings: Settings) -> RoundPlan:
    """Check one round against the clock and the directory, without writing."""
    kind = kinds.find(organisation(session).kinds, parsed.spec.kind)
    if kind is not None and kind.questions and "questions" not in parsed.spec.model_fields_set:
        parsed = replace(parsed, spec=parsed.spec.model_copy(update={"questions": kind.questions}))
    spec = parsed.spec
    deadlines = resolve_deadlines(parsed, settings, kind.margin_days if kind else None)
    try:
        questions = spec.question_set()
    except InputError as exc:
        raise parsed.error(exc.message, "questions") from exc
    try:
        routed = route(session, spec.areas, spec.groups, spec.lead)
    except RoutingError as exc:
        raise parsed.error(exc.message, exc.field or "areas") from exc
    return RoundPlan(
        parsed=parsed, deadlines=deadlines, route=routed, questions=questions, kind=kind
    )


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


def differences(round_: Round, spec: RoundSpec) -> list[str]:
    """What a round file says that the round opened under the same reference does not."""
    found = []

    def differ(label: str, in_file: object, stored: object) -> None:
        if in_file != stored:
            found.append(f"{label} ({_shown(in_file)} i filen, {_shown(stored)} i remiss)")

    differ("title", spec.title, round_.title)
    differ("kind", spec.kind, round_.kind)
    differ("issuer", spec.issuer, round_.issuer)
    differ("areas", sorted(spec.areas), sorted(round_.areas))
    differ("deadline", on_or_before_working_day(spec.deadline), round_.national_deadline)
    if spec.opens is not None:
        differ("opens", spec.opens, round_.opens)
    differ("questions", spec.question_set_name, round_.question_set)
    differ("coordinator", spec.coordinator, round_.coordinator)
    differ("our_reference", spec.our_reference, round_.our_reference)
    differ("period", spec.period, round_.batch)
    differ("documents", [d.model_dump() for d in spec.documents], list(round_.documents))
    if spec.lead is not None and round_.lead_group is not None:
        differ("lead", spec.lead, round_.lead_group.key)
    return found


def _shown(value: object) -> str:
    if value is None or value == "" or value == []:
        return "tomt"
    if isinstance(value, date):
        return date_sv(value)
    if isinstance(value, list):
        return ", ".join(_shown(v) if not isinstance(v, dict) else str(v.get("url")) for v in value)
    return f"'{value}'"


def _create(
    session: Session, settings: Settings, plan_: RoundPlan, actor: str, *, triage: bool
) -> OpenedRound:
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
            )
        )
    for group, reason in plan_.route.groups:
        session.add(RoundGroup(round_id=round_.id, group_id=group.id, reason=reason))
    session.flush()
    session.refresh(round_, ["lead_group"])
    if triage:
        audit.record(
            session, actor, "round.register", round_id=round_.id, reference=round_.reference
        )
        return OpenedRound(
            round_id=round_.id, reference=round_.reference, title=round_.title, created=True,
            invitations=0, internal_deadline=round_.internal_deadline,
        )  # fmt: skip
    count = invite(session, settings, round_, plan_.route)
    audit.record(
        session, actor, "round.open", round_id=round_.id, reference=round_.reference,
        invitations=count, informed=len(plan_.route.informed),
    )  # fmt: skip
    return OpenedRound(
        round_id=round_.id,
        reference=round_.reference,
        title=round_.title,
        created=True,
        invitations=count,
        internal_deadline=round_.internal_deadline,
        informed=len(plan_.route.informed),
    )


def invite(session: Session, settings: Settings, round_: Round, route_: Route) -> int:
    """Ask everyone the route reaches; tell the informed groups. Returns how many were asked."""
    count = 0
    for person, memberships in route_.people.values():
        invitation, token = invitations.create(session, round_, person, memberships)
        invitations.queue_email(session, settings, round_, invitation, token)
        count += 1
    org = organisation(session)
    for person, memberships in route_.informed.values():
        email = catalogue.information(
            round_=round_, person=person, org=org, groups=[g for g, _role in memberships]
        )
        outbox.queue(
            session, settings, key=f"information:{round_.id}:{person.id}", email=email,
            round_id=round_.id,
        )  # fmt: skip
    return count


def open_rounds(
    session: Session, settings: Settings, parsed: list[ParsedRound], actor: str = "system",
    *, triage: bool = False,
) -> list[OpenedRound]:  # fmt: skip
    """Open every round not yet open; all are checked before any is written.

    With ``triage`` the rounds are only registered (``inkommen``): routed, but nobody is
    asked until the triage decides that the remiss is answered jointly.
    """
    existing = {
        r.reference: r
        for r in session.scalars(
            select(Round).where(Round.reference.in_([p.spec.reference for p in parsed]))
        )
    }
    plans: list[RoundPlan | Round] = []
    for item in parsed:
        found = existing.get(item.spec.reference)
        if found is None:
            plans.append(plan(session, item, settings))
            continue
        changed = differences(found, item.spec)
        if changed:
            raise item.error(
                f"redan öppnad (id {found.id}) med annat innehåll: "
                + "; ".join(changed)
                + ". Inget ändrades; ändra remissen på dess sida, eller ge filen samma innehåll",
                "reference",
            )
        plans.append(found)
    results = []
    for entry in plans:
        if isinstance(entry, Round):
            results.append(
                OpenedRound(
                    round_id=entry.id,
                    reference=entry.reference,
                    title=entry.title,
                    created=False,
                    invitations=0,
                    internal_deadline=entry.internal_deadline,
                )
            )
        else:
            results.append(_create(session, settings, entry, actor, triage=triage))
    return results
