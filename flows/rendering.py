"""Rendering the files of what a flow compiled: the task after delivery in every flow that compiles."""

from __future__ import annotations

from prefect import task

from flows._run import running
from remiss.yttrande.documents import FORMATS
from remiss.yttrande.rendering import render_pending


@task(name="render-documents", retries=1, retry_delay_seconds=30)
def render_task(round_ids: list[int], formats: list[str] | None = None) -> int:
    """Render and keep each round's newest version's missing files in ``formats`` (all by
    default); how many files."""
    if not round_ids:
        return 0
    with running() as application:
        return render_pending(application.sessions, round_ids, formats or list(FORMATS))
