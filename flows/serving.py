"""Serving the flows' deployments next to the web app: the sweep on its schedule,
opening and compiling on demand (from the Prefect UI, the API or a worker)."""

from __future__ import annotations

import threading
from typing import Any

from prefect.schedules import Cron

from flows.compile_response import compile_response
from flows.open_round import open_round
from flows.reminders import reminder_sweep

SWEEP_CRON = "*/15 * * * *"


def deployments(timezone: str) -> list[Any]:
    """The deployments this process serves: the sweep on its schedule, the rest on demand."""
    return [
        reminder_sweep.to_deployment(
            name="reminder-sweep",
            schedule=Cron(SWEEP_CRON, timezone=timezone),
            description="Stänger remisser vid intern svarsdag och skickar påminnelser.",
        ),
        open_round.to_deployment(name="open-round", description="Öppnar remisser från en fil."),
        compile_response.to_deployment(
            name="compile-response", description="Sammanställer yttrandet för en remiss."
        ),
    ]


def serve_forever(timezone: str, web: Any) -> None:
    """Serve the deployments in this (main) thread and the web app in another."""
    from prefect import serve

    web_thread = threading.Thread(target=web.run, name="web", daemon=True)
    web_thread.start()
    try:
        # Deployments stay active between restarts; nothing to call on the way down.
        serve(*deployments(timezone), print_starting_message=False, pause_on_shutdown=False)
    finally:
        web.should_exit = True
        web_thread.join(timeout=10)
