"""The reminder sweep, run every 15 minutes: close what is past its internal
deadline (and compile it), remind those who have not answered, deliver the outbox.

Coarse tasks, each over one service. A re-run, or two sweeps at once, closes nothing
twice and sends nothing twice: closing and reminding are claimed in the database. A
round whose compile fails stays closed and marked, and the next sweep compiles it
again; that never stops this sweep's reminders.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.exceptions import MissingContextError

from flows._run import at, call, running
from flows.delivery import deliver_task
from flows.rendering import render_task
from remiss.rounds.reminders import queue_reminders
from remiss.yttrande.closing import close_due


@task(name="close-due-rounds")
def close_due_rounds_task(now: str | None = None) -> list[dict[str, Any]]:
    """Close (and compile) every round past its internal deadline; compile what failed before."""
    with running(now) as application:
        results = close_due(application.sessions, application.settings, "schedule")
    for failed in (r for r in results if r.error is not None):
        _warn(f"{failed.reference}: yttrandet kunde inte sammanställas: {failed.error}")
    return [asdict(r) for r in results]


def _warn(message: str) -> None:
    # Without a run (the CLI without Prefect) the returned result says it instead.
    with suppress(MissingContextError):
        get_run_logger().warning(message)


@task(name="queue-reminders")
def queue_reminders_task(now: str | None = None) -> dict[str, Any]:
    """Claim the reminders due now and queue one digest per person."""
    with running(now) as application, application.transaction() as session:
        report = queue_reminders(session, application.settings)
    return {"reminders": report.reminders, "digests": report.digests}


@flow(name="reminder-sweep")
def reminder_sweep(now: str | None = None) -> dict[str, Any]:
    """Close rounds past their internal deadline and send the reminders due as of ``now``."""
    with at(now):
        compiled = call(close_due_rounds_task, now)
        reminders = call(queue_reminders_task, now)
        delivery = call(deliver_task)
        rendered = call(render_task, [c["round_id"] for c in compiled if c["version"]])
    return {
        "rendered": rendered,
        "closed_round_ids": [c["round_id"] for c in compiled if c["closed_now"]],
        "compiled": compiled,
        "reminders": reminders,
        "delivery": delivery,
    }
