"""Printing the PDF of what a flow compiled: the task after delivery in every flow that compiles."""

from __future__ import annotations

from prefect import task

from flows._run import running
from remiss.yttrande.printing import print_pending


@task(name="print-pdf", retries=1, retry_delay_seconds=30)
def print_task(round_ids: list[int]) -> int:
    """Print and keep the PDF of each round's newest version that has none; how many."""
    if not round_ids:
        return 0
    with running() as application:
        return print_pending(application.sessions, round_ids)
