"""Close one round now: stop collecting, compile the yttrande, tell the coordinator."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, task

from flows._run import at, call, running
from remiss.usecases.collecting import close


@task(name="close-round")
def close_round_task(round_id: int, actor: str, now: str | None = None) -> dict[str, Any]:
    """Close and compile in one transaction (a failed compile stays marked for the sweep),
    then deliver and render."""
    with running(now) as rt:
        closed = close(rt, round_id, actor)
    delivery = closed.follow_up.delivery
    return {
        **asdict(closed.compiled),
        "delivery": delivery.fields() if delivery is not None else None,
        "rendered": closed.follow_up.rendered,
    }


@flow(name="close-round")
def close_round(round_id: int, actor: str = "cli", now: str | None = None) -> dict[str, Any]:
    """Close ``round_id`` as of ``now`` if given, and deliver what it queued."""
    with at(now):
        return call(close_round_task, round_id, actor, now)
