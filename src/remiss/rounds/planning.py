"""Planning a round: its window resolved against the clock, its routing checked.

Nothing here writes: ``opening`` plans every round of a file before it writes one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from remiss.core.clock import now
from remiss.core.errors import InputError
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.core.swedish import date_sv
from remiss.core.workdays import end_of_day, on_or_before_working_day, working_days_before
from remiss.directory import kinds
from remiss.directory.kinds import KindSpec
from remiss.directory.routing import Route, RoutingError, route
from remiss.directory.sync import organisation
from remiss.rounds import svarsmall
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
    # The sender's Word template, read and checked: kept with the round.
    svarsmall: svarsmall.Prepared | None = None


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


def deadlines(session: Session, parsed: ParsedRound, settings: Settings) -> Deadlines:
    """One round's window as ``plan`` works it out (its kind's margin), routing nobody."""
    kind = kinds.find(organisation(session).kinds, parsed.spec.kind)
    return resolve_deadlines(parsed, settings, kind.margin_days if kind else None)


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
        parsed=parsed,
        deadlines=deadlines,
        route=routed,
        questions=questions,
        kind=kind,
        svarsmall=_svarsmall(parsed, kind, questions),
    )


def _svarsmall(
    parsed: ParsedRound, kind: KindSpec | None, questions: QuestionSetSpec
) -> svarsmall.Prepared | None:
    """The round's svarsmall (its own, else its kind's), read and checked now."""
    own = parsed.spec.svarsmall
    if own and parsed.folder is None:
        raise parsed.error(
            "en uppladdad remissfil kan inte peka ut en svarsmall; ange den för remisstypen "
            "i katalogen, eller öppna remissen från filen med remiss round open",
            "svarsmall",
        )
    named = own or (kind.svarsmall if kind is not None else None)
    if not named:
        return None
    try:
        return svarsmall.prepare(named, parsed.folder if own else None, questions)
    except InputError as exc:
        raise parsed.error(exc.message, "svarsmall") from exc


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
    if "questions" in spec.model_fields_set:  # else the round took its kind's set
        differ("questions", spec.question_set_name, round_.question_set)
    differ("coordinator", spec.coordinator, round_.coordinator)
    differ("our_reference", spec.our_reference, round_.our_reference)
    differ("period", spec.period, round_.batch)
    differ("documents", [d.model_dump() for d in spec.documents], list(round_.documents))
    if spec.lead is not None and round_.lead_group is not None:
        differ("lead", spec.lead, round_.lead_group.key)
    # Named groups: one the file adds that the round was not routed to, or one the round
    # was routed to by name that the file no longer names (a named group an area covers
    # anyway was routed by its area, and may come and go).
    routed = {rg.group.key for rg in round_.routed_groups}
    named = {rg.group.key for rg in round_.routed_groups if rg.reason == "named"}
    if not set(spec.groups) <= routed or not named <= set(spec.groups):
        differ("groups", sorted(spec.groups), sorted(named))
    return found


def _shown(value: object) -> str:
    if value is None or value == "" or value == []:
        return "tomt"
    if isinstance(value, date):
        return date_sv(value)
    if isinstance(value, list):
        return ", ".join(_shown(v) if not isinstance(v, dict) else str(v.get("url")) for v in value)
    return f"'{value}'"
