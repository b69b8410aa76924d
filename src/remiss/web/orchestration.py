"""Where the web's orchestrating actions run (opening, closing, sending, delivering).

Always in the request and the web's own transaction, so that the coordinator sees the
result at once. When ``remiss serve`` runs with a Prefect API, each is also a flow run in
Prefect (``flows/recorded.py``); if that API does not answer, the action still runs and a
warning says it went unrecorded: a Prefect outage never stops a coordinator.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from fastapi import BackgroundTasks

from remiss.app import App, deliver_outbox
from remiss.yttrande.rendering import render_pending, render_version

T = TypeVar("T")
log = logging.getLogger("remiss.web")
HEALTH_TTL = 10.0


class Orchestrator:
    def __init__(self, app: App, prefect_api: str | None = None) -> None:
        self.app = app
        self.prefect_api = prefect_api
        self._healthy_until = 0.0
        # Files a download asked for that this process is rendering: reloads wait for them.
        self._asked: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    def run(self, action: str, parameters: dict[str, Any], body: Callable[[], T]) -> T:
        """Run ``body`` (one action), as a flow run named ``action`` when Prefect answers."""
        if not self._prefect_answers():
            return body()
        from flows.recorded import record

        return record(action, parameters, body)

    def deliver_later(self, background: BackgroundTasks, actor: str) -> None:
        """Send what the action queued once the response has gone."""
        background.add_task(self.run, "deliver-outbox", {"actor": actor}, self._deliver)

    def render_later(self, background: BackgroundTasks, round_ids: list[int]) -> None:
        """Render the files of what was just compiled once the response has gone."""
        rendering = partial(render_pending, self.app.sessions, round_ids)
        background.add_task(self.run, "render-documents", {"round_ids": round_ids}, rendering)

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

        parameters = {"version_id": version_id, "formats": [fmt]}
        background.add_task(self.run, "render-documents", parameters, rendering)

    def _deliver(self) -> dict[str, int]:
        report = deliver_outbox(self.app)
        return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}

    def _prefect_answers(self) -> bool:
        if self.prefect_api is None:
            return False
        if time.monotonic() < self._healthy_until:
            return True
        try:
            with urllib.request.urlopen(f"{self.prefect_api}/health", timeout=2) as response:
                ok = response.status == 200
        except OSError:
            ok = False
        if ok:
            self._healthy_until = time.monotonic() + HEALTH_TTL
        else:
            log.warning("Prefect svarar inte på %s; åtgärden körs utan flödeskörning",
                        self.prefect_api)  # fmt: skip
        return ok
