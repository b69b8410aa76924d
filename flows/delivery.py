"""Delivering the outbox: the task every flow ends with after it has queued mail."""

from __future__ import annotations

from typing import Any

from prefect import task

from flows._run import running
from remiss.app import deliver_outbox
from remiss.mail.claims import DeliveryReport


@task(name="deliver-outbox", retries=3, retry_delay_seconds=[10, 30, 60])
def deliver_task() -> dict[str, Any]:
    """Send every due message in the outbox."""
    with running() as application:
        return report_fields(deliver_outbox(application))


def report_fields(report: DeliveryReport) -> dict[str, Any]:
    """A delivery report as a task returns it (at most 20 errors)."""
    return {
        "sent": report.sent,
        "retrying": report.retrying,
        "failed": report.failed,
        "waiting": report.waiting,
        "errors": report.errors[:20],
    }
