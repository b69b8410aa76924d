"""Compile a round's joint yttrande on demand and, if asked, tell its coordinator.

Closing compiles by itself (flows/close_round.py and the sweep); this is for compiling
again, e.g. after answers allowed late. Compiling again with nothing new hands back the
version already kept, and the coordinator is told once per version.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, task

from flows._run import call, running
from flows.delivery import deliver_task
from flows.rendering import render_task
from remiss.yttrande.closing import compile_and_notify


@task(name="compile-yttrande", retries=1, retry_delay_seconds=10)
def compile_task(round_id: int, actor: str, notify: bool) -> dict[str, Any]:
    """Compile and store the yttrande; queue the coordinator's notice in the same transaction."""
    with running() as application, application.transaction() as session:
        compiled = compile_and_notify(session, application.settings, round_id, actor, notify=notify)
    return asdict(compiled)


@flow(name="compile-response")
def compile_response(
    round_id: int, actor: str = "schedule", notify: bool = True, formats: list[str] | None = None
) -> dict[str, Any]:
    """Compile the yttrande of ``round_id``, render its files in ``formats`` (all by default)
    and, if asked, tell the coordinator."""
    result = call(compile_task, round_id, actor, notify)
    result["delivery"] = call(deliver_task) if result["notified"] else None
    result["rendered"] = call(render_task, [round_id] if result["version"] else [], formats)
    return result
