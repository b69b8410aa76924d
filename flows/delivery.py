"""Delivering the outbox: the task every flow ends with after it has queued mail."""

from __future__ import annotations

from typing import Any

from prefect import task

from flows._run import running
from remiss.app import deliver_outbox


@task(name="deliver-outbox", retries=3, retry_delay_seconds=[10, 30, 60])
def deliver_task() -> dict[str, Any]:
    """Send every due message in the outbox."""
    with running() as application:
        return deliver_outbox(application).fields()
