"""Open one round or a batch from a YAML file, and deliver every invitation.

One task over the use case (``usecases.opening.open_rounds``): validation, routing, the
invitations issued in batches, each committed on its own while a deliverer sends what is
committed, then whatever else the outbox holds. A re-run opens nothing twice, finishes a
round whose opening was cut short, and sends no message twice.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from flows._run import at, call, running
from remiss.rounds import spec as roundspec
from remiss.usecases.opening import open_rounds


@task(name="open-rounds")
def open_rounds_task(
    path: str,
    now: str | None = None,
    actor: str = "cli",
    triage: bool = False,
    shift_days: int = 0,
) -> dict[str, Any]:
    """Open (or, for triage, register) every round of the file not there yet.

    ``shift_days`` moves every date of the file that many days (a sample made current).
    """
    parsed = roundspec.shift(roundspec.load(path), shift_days)
    with running(now) as rt:
        opened = open_rounds(rt, parsed, actor, triage=triage)
    rounds = [
        {
            "round_id": o.round_id,
            "reference": o.reference,
            "title": o.title,
            "created": o.created,
            "resumed": o.resumed,
            "invitations": o.invitations,
            "informed": o.informed,
            "internal_deadline": o.internal_deadline.isoformat(),
        }
        for o in opened.rounds
    ]
    delivery = opened.delivery.fields() if opened.delivery is not None else None
    return {"rounds": rounds, "delivery": delivery}


@flow(name="open-round")
def open_round(
    path: str,
    now: str | None = None,
    actor: str = "cli",
    triage: bool = False,
    shift_days: int = 0,
) -> dict[str, Any]:
    """Open the round(s) in ``path`` and deliver their invitations, as of ``now`` if given.

    With ``triage`` the rounds are registered (inkommen) and nobody is asked yet.
    """
    with at(now):
        return call(open_rounds_task, path, now, actor, triage, shift_days)
