"""The reminder sweep, run every 15 minutes: close what is past its internal deadline (and
compile it), remind those who have not answered, deliver the outbox.

One task over the use case (``usecases.sweep.sweep``). A re-run, or two sweeps at once,
closes nothing twice and sends nothing twice: closing and reminding are claimed in the
database. A round whose compile fails stays closed and marked, and the next sweep compiles
it again; that never stops this sweep's reminders.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.exceptions import MissingContextError

from flows._run import at, call, running
from remiss.usecases.sweep import sweep


@task(name="sweep")
def sweep_task(now: str | None = None) -> dict[str, Any]:
    """Close, compile, remind; then deliver and render."""
    with running(now) as rt:
        swept = sweep(rt)
    for failed in (c for c in swept.compiled if c.error is not None):
        _warn(f"{failed.reference}: yttrandet kunde inte sammanställas: {failed.error}")
    delivery = swept.follow_up.delivery
    return {
        "rendered": swept.follow_up.rendered,
        "closed_round_ids": swept.closed_round_ids,
        "compiled": [asdict(c) for c in swept.compiled],
        "reminders": {"reminders": swept.reminders.reminders, "digests": swept.reminders.digests},
        "delivery": delivery.fields() if delivery is not None else None,
    }


def _warn(message: str) -> None:
    # Without a run (called as a plain function) the returned result says it instead.
    with suppress(MissingContextError):
        get_run_logger().warning(message)


@flow(name="reminder-sweep")
def reminder_sweep(now: str | None = None) -> dict[str, Any]:
    """Close rounds past their internal deadline and send the reminders due as of ``now``."""
    with at(now):
        return call(sweep_task, now)
