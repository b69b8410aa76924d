"""The one piece of work a web process starts by itself: a file a download found missing.

A stored version's file that is not rendered yet (its rendering still running, or a
format the CLI left out) is rendered once the response has gone, once per process however
many reloads ask for it. Everything else a route leaves for after its commit is the
runtime's (``web.deps.web_runtime``).
"""

from __future__ import annotations

import threading

from fastapi import BackgroundTasks

from remiss.app import App
from remiss.yttrande.version_files import render_version


class Orchestrator:
    def __init__(self, app: App) -> None:
        self.app = app
        # Files a download asked for that this process is rendering: reloads wait for them.
        self._asked: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    def render_version_later(self, background: BackgroundTasks, version_id: int, fmt: str) -> None:
        """Render one version's file in ``fmt`` once the response has gone (a download that
        found it missing), unless this process is rendering it already."""
        key = (version_id, fmt)
        with self._lock:
            if key in self._asked:
                return
            self._asked.add(key)

        def rendering() -> int:
            try:
                return render_version(self.app.sessions, version_id, [fmt])
            finally:
                with self._lock:
                    self._asked.discard(key)

        background.add_task(rendering)
