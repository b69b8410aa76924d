"""Triage: which registered remisser are answered jointly, per region, or not at all.

A round registered with ``--triage`` is ``inkommen``: routed, nobody asked. Deciding
``samordnas`` opens it (invitations go out now, with the deadlines it was registered
with); ``per-region`` and ``avstår`` end it, the reason kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from remiss.core import audit
from remiss.core.clock import now
from remiss.core.errors import InputError, Refused, RoundNotFound
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.core.states import RoundStatus, TriageDecision
from remiss.core.swedish import date_sv
from remiss.core.text import printable
from remiss.directory.routing import route
from remiss.rounds.opening import invite

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
    session: Session, settings: Settings, round_id: int, decision: TriageDecision,
    reason: str | None, actor: str,
) -> Triaged:  # fmt: skip
    """Record the triage of a registered round; samordnas opens it and invites."""
    round_ = session.get(Round, round_id, with_for_update=True, populate_existing=True)
    if round_ is None:
        raise RoundNotFound(round_id)
    if round_.status != RoundStatus.REGISTERED:
        already = round_.triage_decision or "samordnas"
        raise Refused(f"{round_.reference} är redan beslutad ({already})")
    reason = printable(reason or "").strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise InputError(f"skälet får vara högst {REASON_MAX} tecken", field="reason")
    round_.triage_decision = decision
    round_.triage_reason = reason
    invited = 0
    if decision == TriageDecision.SAMORDNAS:
        if round_.internal_deadline_at <= now():
            raise Refused(
                f"den interna svarsdagen för {round_.reference} "
                f"({date_sv(round_.internal_deadline)}) har redan passerat"
            )
        named = [rg.group.key for rg in round_.routed_groups if rg.reason == "named"]
        lead = round_.lead_group.key if round_.lead_group is not None else None
        round_.status = RoundStatus.OPEN
        session.flush()
        invited = invite(session, settings, round_, route(session, round_.areas, named, lead))
    else:
        round_.status = RoundStatus.ENDED
        round_.closed_at = now()
    audit.record(
        session, actor, "round.triage", round_id=round_.id, decision=str(decision),
        reason=reason, invitations=invited,
    )  # fmt: skip
    session.flush()
    return Triaged(round_.id, round_.reference, decision, invited)
