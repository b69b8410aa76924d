"""The factory uvicorn calls in each web process of ``remiss serve --web-only --workers N``.

Here, not under ``web/``, because it gives the web app its announcer to Prefect
(``flows/events.py``) when a Prefect API is configured: the web itself knows no flows.
"""

from __future__ import annotations

from fastapi import FastAPI

from remiss.app import current
from remiss.web import server


def worker_app() -> FastAPI:
    s = current().settings
    if not s.prefect_api_url:
        return server.worker_app()
    from flows.events import announcer

    return server.worker_app(announcer(s.prefect_api_url, s.prefect_event_timeout))
