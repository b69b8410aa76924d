"""Steering a round while and after it collects: close, extend, remind, re-send, allow late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from remiss.core.models import Invitation, Round
from remiss.core.states import RoundStatus
from remiss.rounds import lifecycle, steering
from remiss.usecases.runtime import FollowUp, Runtime
from remiss.yttrande.closing import Compiled, close_round


@dataclass(frozen=True)
class Closed:
    compiled: Compiled
    follow_up: FollowUp


def close(rt: Runtime, round_id: int, actor: str) -> Closed:
    """Stop collecting now, compile the sammanställning and ask the lead to draft."""
    with rt.transaction() as session:
        compiled = close_round(session, rt.settings, round_id, actor)
    rt.announce(
        "round.close",
        actor,
        round_id,
        compiled.reference,
        version=compiled.version,
        no_answers=compiled.no_answers,
    )
    done = rt.follow_up(render=[round_id] if compiled.version else [])
    return Closed(compiled, done)


@dataclass(frozen=True)
class Extended:
    reference: str
    internal_deadline: date
    told: int
    collecting: bool
    follow_up: FollowUp


def extend(rt: Runtime, round_id: int, deadline: date, actor: str) -> Extended:
    """Move the internal deadline (reopening a round in beredning); tell who has not answered."""
    with rt.transaction() as session:
        told = lifecycle.extend(session, rt.settings, round_id, deadline, actor)
        round_ = session.get_one(Round, round_id)
        reference = round_.reference
    rt.announce("round.extend", actor, round_id, reference, deadline=deadline.isoformat())
    return Extended(reference, deadline, told, True, rt.follow_up())


def move_national_deadline(
    rt: Runtime, round_id: int, national: date, internal: date | None, actor: str
) -> Extended:
    """The sender moved its last day: re-plan (reopening nothing that has stopped collecting)."""
    with rt.transaction() as session:
        new_internal, told = lifecycle.move_national_deadline(
            session, rt.settings, round_id, national, internal, actor
        )
        round_ = session.get_one(Round, round_id)
        reference, collecting = round_.reference, round_.status == RoundStatus.OPEN
    rt.announce(
        "round.national_deadline", actor, round_id, reference, deadline=national.isoformat()
    )
    return Extended(reference, new_internal, told, collecting, rt.follow_up())


@dataclass(frozen=True)
class Told:
    """An action that mails people: how many, and who (for one person)."""

    told: int
    name: str = ""
    email: str = ""


def remind(rt: Runtime, round_id: int, actor: str) -> Told:
    """Remind everyone who has not answered, each with a fresh link."""
    with rt.transaction() as session:
        told = steering.remind_now(session, rt.settings, round_id, actor)
    rt.announce("round.remind", actor, round_id, told=told)
    rt.follow_up()
    return Told(told)


def resend(rt: Runtime, round_id: int, invitation_id: int, actor: str) -> Told:
    """Send one invitation again, with a fresh link."""
    with rt.transaction() as session:
        told = _told(steering.resend(session, rt.settings, round_id, invitation_id, actor))
    rt.announce("invitation.resend", actor, round_id, invitation_id=invitation_id)
    rt.follow_up()
    return told


def allow_late(rt: Runtime, round_id: int, invitation_id: int, actor: str) -> Told:
    """Let one person answer after the internal deadline, and mail them their link."""
    with rt.transaction() as session:
        told = _told(steering.allow_late(session, rt.settings, round_id, invitation_id, actor))
    rt.announce("invitation.allow_late", actor, round_id, invitation_id=invitation_id)
    rt.follow_up()
    return told


def _told(invitation: Invitation) -> Told:
    return Told(1, invitation.person.name, invitation.person.email)
