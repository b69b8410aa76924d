"""A remiss's state, read off its round: inkommen, öppen, beredning … skickad, or an end.

One function, so that ``round list``, the dashboard, the register and the CSV say the same.
"""

from __future__ import annotations

from remiss.core.models import Round
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
    if answered == 0:
        return RoundState.INGA_SVAR
    return RoundState.BEREDNING
