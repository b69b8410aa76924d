"""Open one round or a batch from a YAML file, then deliver every invitation.

Two coarse tasks: opening (validation, routing, invitations and their emails
queued in one transaction) and delivery (the whole outbox, in batches over a few
SMTP connections). A re-run opens nothing twice and sends no message twice.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from flows._run import at, call, running
from flows.delivery import deliver_task
from remiss.rounds import spec as roundspec
from remiss.rounds.opening import open_rounds


@task(name="open-rounds")
def open_rounds_task(
    path: str, now: str | None = None, actor: str = "cli", triage: bool = False,
    shift_days: int = 0,
) -> list[dict[str, Any]]:  # fmt: skip
    """Validate the file and open (or, for triage, register) every round not there yet.

    ``shift_days`` moves every date of the file that many days (a sample made current).
    """
    parsed = roundspec.shift(roundspec.load(path), shift_days)
    with running(now) as application, application.transaction() as session:
        opened = open_rounds(session, application.settings, parsed, actor=actor, triage=triage)
    return [
        {
            "round_id": o.round_id,
            "reference": o.reference,
            "title": o.title,
            "created": o.created,
            "invitations": o.invitations,
            "informed": o.informed,
            "internal_deadline": o.internal_deadline.isoformat(),
        }
        for o in opened
    ]


@flow(name="open-round")
def open_round(
    path: str, now: str | None = None, actor: str = "cli", triage: bool = False,
    shift_days: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """Open the round(s) in ``path`` and deliver their invitations, as of ``now`` if given.

    With ``triage`` the rounds are registered (inkommen) and nobody is asked yet.
    """
    with at(now):
        opened = call(open_rounds_task, path, now, actor, triage, shift_days)
        delivery = call(deliver_task)
    return {"rounds": opened, "delivery": delivery}
