"""The reminder sweep, run every 15 minutes: close what is past its internal
deadline, remind those who have not answered, deliver the outbox.

Three coarse tasks, each over one service. A re-run, or two sweeps at once,
closes nothing twice and sends nothing twice: closing and reminding are claimed
in the database. Each round this run closed is compiled at once (a subflow), and
its coordinator is told the draft yttrande is ready.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from flows._run import app, at, call, subflow
from flows.compile_response import compile_response
from flows.open_round import deliver_task
from remiss.rounds.reminders import close_due_rounds, queue_reminders


@task(name="close-due-rounds")
def close_due_rounds_task(now: str | None = None) -> list[int]:
    """Close every open round whose internal deadline has passed."""
    application = app()
    try:
        with at(now), application.transaction() as session:
            return close_due_rounds(session, actor="schedule")
    finally:
        application.close()


@task(name="queue-reminders")
def queue_reminders_task(now: str | None = None) -> dict[str, Any]:
    """Claim the reminders due now and queue one digest per person."""
    application = app()
    try:
        with at(now), application.transaction() as session:
            report = queue_reminders(session, application.settings)
        return {"reminders": report.reminders, "digests": report.digests}
    finally:
        application.close()


@flow(name="reminder-sweep")
def reminder_sweep(now: str | None = None) -> dict[str, Any]:
    """Close rounds past their internal deadline and send the reminders due as of ``now``."""
    with at(now):
        closed = call(close_due_rounds_task, now)
        compiled = [
            subflow(compile_response, round_id, None, "schedule", True) for round_id in closed
        ]
        reminders = call(queue_reminders_task, now)
        delivery = call(deliver_task)
    return {
        "closed_round_ids": closed,
        "compiled": compiled,
        "reminders": reminders,
        "delivery": delivery,
    }
