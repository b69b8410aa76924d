"""A remiss's state, read off its round: inkommen, öppen, beredning … skickad, or an end.

One function, so that ``round list``, the dashboard, the register and the CSV say the same.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.models import Invitation, Round
from remiss.core.states import RoundState, RoundStatus, TriageDecision


def state(round_: Round, answered: int) -> RoundState:
    """The state of ``round_``, given how many have submitted an answer."""
    if round_.status == RoundStatus.REGISTERED:
        return RoundState.INKOMMEN
    if round_.status == RoundStatus.ENDED:
        if round_.triage_decision == TriageDecision.PER_REGION:
            return RoundState.PER_REGION
        return RoundState.AVSTAR
    if round_.status == RoundStatus.OPEN:
        return RoundState.OPPEN
    if round_.sent_at is not None:
        return RoundState.SKICKAD
    if round_.decided_at is not None:
        return RoundState.BESLUTAD
    if round_.handed_over_at is not None:
        return RoundState.FORANKRING
    if answered == 0 and not round_.drafting_without_answers:
        return RoundState.INGA_SVAR
    return RoundState.BEREDNING


def has_answers(session: Session, round_id: int) -> bool:
    """Whether anyone has submitted an answer to the round."""
    found = session.scalar(
        select(Invitation.id)
        .where(Invitation.round_id == round_id, Invitation.submitted_at.is_not(None))
        .limit(1)
    )
    return found is not None


def current(session: Session, round_: Round) -> RoundState:
    """The round's state now (reads whether anyone has answered)."""
    return state(round_, 1 if has_answers(session, round_.id) else 0)
