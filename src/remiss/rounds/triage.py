"""Triage: which registered remisser are answered jointly, per region, or not at all.

A round registered with ``--triage`` is ``inkommen``: routed, nobody asked. Deciding
``samordnas`` opens it (invitations go out now, with the deadlines it was registered
with); ``per-region`` and ``avstår`` end it, the reason kept, and everyone already asked or
told of it hears so (``told``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Invitation, Round
from remiss.core.settings import Settings
from remiss.core.states import RoundState, RoundStatus, TriageDecision
from remiss.core.swedish import date_sv
from remiss.core.text import printable
from remiss.directory.routing import route
from remiss.directory.sync import active_regions, organisation
from remiss.mail import catalogue, outbox
from remiss.rounds import stage, told
from remiss.rounds.opening import invite
from remiss.rounds.steering import end_late_answers
from remiss.rounds.transitions import ALLOWED, Action, refusal

REASON_MAX = 2000
DECISION_WORDS = {
    TriageDecision.SAMORDNAS: "samordnas",
    TriageDecision.PER_REGION: "besvaras per region",
    TriageDecision.AVSTAR: "besvaras inte",
}


@dataclass(frozen=True)
class Triaged:
    round_id: int
    reference: str
    decision: TriageDecision
    invitations: int
    # Letters that went with the decision: to each region's registrar (per region) or to
    # the sender (avstår, when asked).
    letters: int = 0
    changed: bool = False


def parse(decision: str) -> TriageDecision:
    """``samordnas``, ``per-region`` (or ``per region``) or ``avstår``; else a clear error."""
    text = decision.strip().lower().replace(" ", "-")
    try:
        return TriageDecision(text)
    except ValueError as exc:
        raise InputError(
            f"okänt beslut '{decision[:40]}' (välj samordnas, per-region eller avstår)",
            field="decision",
        ) from exc


def decide(
    session: Session,
    settings: Settings,
    round_id: int,
    decision: TriageDecision,
    reason: str | None,
    actor: str,
    *,
    notify_sender: bool = False,
) -> Triaged:
    """Record the triage of a round; samordnas opens it and invites, the others end it.

    A decision may be changed, with a reason, while nobody has answered (``_change``).
    """
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    reason = printable(reason or "").strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise InputError(f"skälet får vara högst {REASON_MAX} tecken", field="reason")
    state = stage.current(session, round_)
    changed = state != RoundState.INKOMMEN
    if changed:
        _change(session, round_, state, decision, reason)
    previous = round_.triage_decision
    round_.triage_decision = decision
    round_.triage_reason = reason
    invited = letters = 0
    if decision == TriageDecision.SAMORDNAS:
        if round_.internal_deadline_at <= now():
            raise Refused(
                f"den interna svarsdagen för {round_.reference} "
                f"({date_sv(round_.internal_deadline)}) har redan passerat"
            )
        named = [rg.group.key for rg in round_.routed_groups if rg.reason == "named"]
        lead = round_.lead_group.key if round_.lead_group is not None else None
        round_.status = RoundStatus.OPEN
        round_.closed_at = None
        session.flush()
        invited = invite(session, settings, round_, route(session, round_.areas, named, lead))
    else:
        round_.status = RoundStatus.ENDED
        round_.closed_at = now()
        round_.compile_pending = False
        end_late_answers(session, round_.id)
        letters = _letters(session, settings, round_, decision, notify_sender)
        told.tell_not_joint(session, settings, round_)  # those asked and told, and why
    audit.record(
        session,
        actor,
        "round.triage",
        round_id=round_.id,
        decision=str(decision),
        reason=reason,
        invitations=invited,
        letters=letters,
        previous=previous if changed else None,
    )
    session.flush()
    return Triaged(round_.id, round_.reference, decision, invited, letters, changed)


def _change(
    session: Session,
    round_: Round,
    state: RoundState,
    decision: TriageDecision,
    reason: str | None,
) -> None:
    """Refuse a change of triage unless nobody has answered and a reason is given."""
    if state not in ALLOWED[Action.RETRIAGE]:
        raise Refused(refusal(round_.reference, state, Action.RETRIAGE))
    current = TriageDecision(round_.triage_decision or TriageDecision.SAMORDNAS)
    if decision == current and state != RoundState.INGA_SVAR:
        raise Refused(f"{round_.reference} är redan beslutad: {DECISION_WORDS[decision]}")
    if decision == TriageDecision.SAMORDNAS and state == RoundState.INGA_SVAR:
        raise Refused(
            f"{round_.reference} samordnas redan; förläng svarstiden för att samla in svar igen"
        )
    if stage.has_answers(session, round_.id):
        raise Refused(f"{round_.reference}: triagebeslutet kan inte ändras när någon har svarat")
    if reason is None:
        raise InputError(
            f"{round_.reference} är redan beslutad ({DECISION_WORDS[current]}); ange skälet "
            "(--reason) för att ändra beslutet",
            field="reason",
        )
    asked = session.scalar(select(Invitation.id).where(Invitation.round_id == round_.id).limit(1))
    if decision == TriageDecision.SAMORDNAS and asked is not None:
        raise Refused(
            f"{round_.reference} har redan haft inbjudningar ute; den kan inte samordnas på "
            "nytt. Registrera remissen under en ny referens i stället."
        )


def _letters(
    session: Session,
    settings: Settings,
    round_: Round,
    decision: TriageDecision,
    notify_sender: bool,
) -> int:
    """Per region: each region's registrar gets the remiss; avstår: the sender, if asked."""
    org = organisation(session)
    regions = active_regions(session)
    if decision == TriageDecision.PER_REGION:
        sent = 0
        for region in regions:
            if region.registrar:
                email = catalogue.per_region(
                    round_=round_, org=org, region=region.name, to=region.registrar
                )
                outbox.queue(
                    session,
                    settings,
                    key=f"per-region:{round_.id}:{region.code}:{_stamp()}",
                    email=email,
                    round_id=round_.id,
                )
                sent += 1
        return sent
    if not notify_sender:
        return 0
    if not round_.recipient:
        raise InputError(
            "remissen har ingen mottagare att meddela; ange den först "
            "(remiss round set ROUND --recipient E-POST)",
            field="notify_sender",
        )
    names = _join([r.name for r in regions])
    email = catalogue.not_answering(round_=round_, org=org, to=round_.recipient, regions=names)
    outbox.queue(
        session,
        settings,
        key=f"not-answering:{round_.id}:{_stamp()}",
        email=email,
        round_id=round_.id,
    )
    return 1


def _stamp() -> str:
    return now().strftime("%Y%m%dT%H%M%S%f")


def _join(items: list[str]) -> str:
    """'A', 'A och B', 'A, B och C'."""
    return (
        items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}" if items else ""
    )
