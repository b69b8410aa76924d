"""Close one round now: stop collecting, compile the yttrande, tell the coordinator."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, task

from flows._run import at, call, running
from flows.delivery import deliver_task
from flows.rendering import render_task
from remiss.yttrande.closing import close_round as close_round_service


@task(name="close-round")
def close_round_task(round_id: int, actor: str, now: str | None = None) -> dict[str, Any]:
    """Close and compile in one transaction; a failed compile stays marked for the sweep."""
    with running(now) as application, application.transaction() as session:
        closed = close_round_service(session, application.settings, round_id, actor)
    return asdict(closed)


@flow(name="close-round")
def close_round(round_id: int, actor: str = "cli", now: str | None = None) -> dict[str, Any]:
    """Close ``round_id`` as of ``now`` if given, and deliver what it queued."""
    with at(now):
        result = call(close_round_task, round_id, actor, now)
        result["delivery"] = call(deliver_task)
        # After the mail: the coordinator is told at once, the files are ready soon after.
        result["rendered"] = call(render_task, [round_id] if result["version"] else [])
    return result
