"""A round file checked against the directory and the clock, every round of it, writing
nothing: what opening it would meet, all said at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.core.errors import InputError, InputErrors
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.rounds.planning import RoundPlan, differences, plan
from remiss.rounds.spec import ParsedRound


def every_plan(
    session: Session, settings: Settings, parsed: list[ParsedRound]
) -> list[RoundPlan | Round]:
    """Each round's plan, or the round already opened under its reference (the file saying
    the same of it); what is wrong with any of them raised together (``InputErrors``)."""
    existing = {
        r.reference: r
        for r in session.scalars(
            select(Round).where(Round.reference.in_([p.spec.reference for p in parsed]))
        )
    }
    found: list[RoundPlan | Round] = []
    errors: list[InputError] = []
    for item in parsed:
        opened = existing.get(item.spec.reference)
        try:
            found.append(plan(session, item, settings) if opened is None else _same(item, opened))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors.of(errors)
    return found


def _same(item: ParsedRound, opened: Round) -> Round:
    changed = differences(opened, item.spec)
    if changed:
        raise item.error(
            f"redan öppnad (id {opened.id}) med annat innehåll: "
            + "; ".join(changed)
            + ". Inget ändrades; ändra remissen på dess sida, eller ge filen samma innehåll",
            "reference",
        )
    return opened
