"""Opening rounds (from a file, the dashboard's form or an upload) and triaging them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from remiss.core.models import Round
from remiss.core.states import TriageDecision
from remiss.mail.claims import DeliveryReport
from remiss.rounds import form as roundform
from remiss.rounds import launch as launching
from remiss.rounds import opening as openings
from remiss.rounds import resuming, transitions
from remiss.rounds import triage as triaging
from remiss.rounds.launch import launch
from remiss.rounds.opening import OpenedRound
from remiss.rounds.spec import ParsedRound
from remiss.usecases.runtime import FollowUp, Runtime


@dataclass(frozen=True)
class Opened:
    rounds: list[OpenedRound]
    delivery: DeliveryReport | None  # None: left to the standing workers


def open_rounds(
    rt: Runtime, parsed: list[ParsedRound], actor: str, *, triage: bool = False
) -> Opened:
    """Open (or, with ``triage``, register) the rounds of a file; the invitations are
    delivered while they are issued, with whatever else the outbox held."""
    with rt.delivering() as delivered:
        opened_rounds = launch(rt.app.sessions, rt.settings, parsed, actor, triage=triage)
    for opened in opened_rounds:
        if opened.created or opened.resumed:
            rt.announce(
                "round.register" if triage else "round.open",
                actor,
                opened.round_id,
                opened.reference,
                invitations=opened.invitations,
            )
    return Opened(opened_rounds, delivered)


@dataclass(frozen=True)
class Finished:
    """Openings finished: each round's result (``invitations``: those issued now)."""

    rounds: list[OpenedRound]
    follow_up: FollowUp


def finish_openings(rt: Runtime, round_ids: Sequence[int], actor: str) -> Finished:
    """Finish the openings of these rounds that were cut short, as opening their file again
    does: invite the people their routing reaches who have no invitation yet (one email each
    for all the rounds), then record each opening and tell the informed. A round whose
    opening is not cut short is left alone; one that no longer collects answers is refused.
    """
    with rt.transaction() as session:
        unfinished = resuming.cut_short(session, round_ids)
        resumed = []
        for round_id in sorted(unfinished):
            round_ = session.get_one(Round, round_id)
            transitions.require(session, round_, transitions.Action.FINISH_OPENING)
            resumed.append(openings.resume(session, round_))
    if not resumed:
        return Finished([], FollowUp())
    done = launching.invite(rt.app.sessions, rt.settings, resumed, actor)
    finished = [done[o.round.id] for o in resumed]
    for opened in finished:
        rt.announce(
            "round.open", actor, opened.round_id, opened.reference, invitations=opened.invitations
        )
    return Finished(finished, rt.follow_up())


def open_from_form(
    rt: Runtime, values: dict[str, str | list[str]], actor: str, *, triage: bool = False
) -> OpenedRound:
    """Open (or register) the round the dashboard's form describes."""
    with rt.transaction() as session:
        opened = roundform.open_from_form(session, rt.settings, values, actor, triage=triage)
    _announce_opened(rt, [opened], actor, triage)
    rt.follow_up(mail=not triage)
    return opened


def open_from_upload(
    rt: Runtime, source: str, name: str, actor: str, *, triage: bool = False
) -> list[OpenedRound]:
    """Open (or register) the rounds of an uploaded file."""
    with rt.transaction() as session:
        opened = roundform.open_from_file(session, rt.settings, source, name, actor, triage=triage)
    _announce_opened(rt, opened, actor, triage)
    rt.follow_up(mail=not triage)
    return opened


def _announce_opened(rt: Runtime, opened: list[OpenedRound], actor: str, triage: bool) -> None:
    for o in opened:
        if o.created:
            rt.announce(
                "round.register" if triage else "round.open",
                actor,
                o.round_id,
                o.reference,
                invitations=o.invitations,
            )


@dataclass(frozen=True)
class Triaged:
    triaged: triaging.Triaged
    follow_up: FollowUp


def triage(
    rt: Runtime,
    round_id: int,
    decision: TriageDecision,
    reason: str | None,
    actor: str,
    *,
    notify_sender: bool = False,
) -> Triaged:
    """Decide (or change) a round's triage: samordnas invites, the others end it."""
    with rt.transaction() as session:
        done = triaging.decide(
            session, rt.settings, round_id, decision, reason, actor, notify_sender=notify_sender
        )
    rt.announce("round.triage", actor, round_id, done.reference, decision=str(decision))
    return Triaged(done, rt.follow_up(mail=bool(done.invitations or done.letters)))


def reference_of(rt: Runtime, round_id: int) -> str:
    with rt.app.sessions() as session:
        return session.get_one(Round, round_id).reference
