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
    """Register the deployments, then run the web app in another thread and serve them here.

    Registered first, so that once the web app says it runs, the deployments can be run.
    """
    import asyncio

    from prefect.runner import Runner

    # Deployments stay active between restarts; nothing to pause on the way down.
    runner = Runner(pause_on_shutdown=False)
    for deployment in deployments(timezone):
        runner.add_deployment(deployment)
    web_thread = threading.Thread(target=web.run, name="web", daemon=True)
    web_thread.start()
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    finally:
        web.should_exit = True
        web_thread.join(timeout=10)
