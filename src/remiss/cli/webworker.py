"""The factory uvicorn calls in each web process of ``remiss serve --web-only --workers N``.

Here, not under ``web/``, because it gives the web app its announcer to Prefect
(``flows/events.py``) when ``PREFECT_API_URL`` is set: the web itself knows no flows.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from remiss.web import server


def worker_app() -> FastAPI:
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        return server.worker_app()
    from flows.events import announcer

    return server.worker_app(announcer(api_url))
