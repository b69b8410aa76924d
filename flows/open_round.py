"""Open one round or a batch from a YAML file, and deliver every invitation.

Two coarse tasks: launching (validation, routing, then the invitations issued in
batches, each committed on its own, while a deliverer sends what is committed) and a
last delivery of whatever else the outbox holds. A re-run opens nothing twice, finishes
a round whose opening was cut short, and sends no message twice.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from flows._run import at, call, running
from flows.delivery import deliver_task
from remiss.app import mail_target
from remiss.rounds import spec as roundspec
from remiss.rounds.launch import launch


@task(name="open-rounds")
def open_rounds_task(
    path: str, now: str | None = None, actor: str = "cli", triage: bool = False,
    shift_days: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """Validate the file, open (or, for triage, register) every round not there yet, and
    deliver the invitations while they are issued.

    ``shift_days`` moves every date of the file that many days (a sample made current).
    """
    parsed = roundspec.shift(roundspec.load(path), shift_days)
    with running(now) as application, mail_target(application.settings) as target:
        launched = launch(
            application.sessions, application.settings, parsed, target, actor, triage=triage
        )
    return {"rounds": launched.rounds(), "delivery": launched.delivery.fields()}


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
        rest = call(deliver_task)
    # Both deliveries' counts add up, and so do their lists of errors.
    delivery = {key: value + rest[key] for key, value in opened["delivery"].items()}
    return {"rounds": opened["rounds"], "delivery": delivery}
