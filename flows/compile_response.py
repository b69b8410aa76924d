"""Compile a round's joint yttrande and tell its coordinator it is ready.

Runs when a round closes (by the sweep, the dashboard or the CLI) and on demand.
Compiling again with nothing new hands back the version already kept, and the
coordinator is told once per version.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from flows._run import app, call
from flows.open_round import deliver_task
from remiss.yttrande.notices import yttrande_ready
from remiss.yttrande.versions import compile_round


@task(name="compile-yttrande", retries=1, retry_delay_seconds=10)
def compile_task(round_id: int, formats: list[str], actor: str, notify: bool) -> dict[str, Any]:
    """Compile and store the yttrande; queue the coordinator's notice in the same transaction."""
    application = app()
    try:
        with application.transaction() as session:
            version = compile_round(session, round_id, application.settings, actor, formats)
            notified = notify and yttrande_ready(session, application.settings, round_id, version)
            return {
                "round_id": round_id,
                "version": version.number,
                "checksum": version.checksum,
                "created_at": version.created_at.isoformat(),
                "notified": notified,
            }
    finally:
        application.close()


@flow(name="compile-response")
def compile_response(
    round_id: int,
    formats: list[str] | None = None,
    actor: str = "schedule",
    notify: bool = True,
) -> dict[str, Any]:
    """Compile the yttrande of ``round_id`` and, if asked, tell the coordinator."""
    result = call(compile_task, round_id, formats or ["docx", "html", "pdf"], actor, notify)
    result["delivery"] = call(deliver_task) if result["notified"] else None
    return result
