"""Every action of remiss, told to Prefect as an event on its round.

An action done from the web, the CLI or a flow is announced here as ``remiss.round.close``
(and so on) on the resource ``remiss.round.{id}``, with who did it: Prefect's event feed
shows the whole life of a round, whatever started each step. Events, not flow runs: a web
action is done in the coordinator's request and cannot be re-run from the Prefect UI, so
none is offered as runnable there (the deployments in ``deploy/prefect.yaml`` are, and
they run the same use cases). A refused action is not announced, so it is no failed run;
and an event that cannot be sent within a moment is dropped with a warning, so an action
never waits for Prefect or fails because it is down.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from remiss.usecases.runtime import Announcement

log = logging.getLogger("remiss.events")
TIMEOUT = 3.0  # seconds an action may spend telling Prefect (REMISS_PREFECT_EVENT_TIMEOUT)


def announcer(api_url: str, timeout: float = TIMEOUT) -> Announcer:
    return Announcer(api_url, timeout)


class Announcer:
    """Sends each announcement as one event to the Prefect API at ``api_url``, giving it
    ``timeout`` seconds."""

    def __init__(self, api_url: str, timeout: float = TIMEOUT) -> None:
        self.api_url = api_url
        self.timeout = timeout

    def __call__(self, done: Announcement) -> None:
        # Its own thread and event loop: callable from a route's thread, a task or a command.
        worker = threading.Thread(target=self._send, args=(done,), daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            log.warning(
                "Prefect svarade inte inom %s s; händelsen %s skickades inte",
                self.timeout,
                done.action,
            )

    def _send(self, done: Announcement) -> None:
        try:
            asyncio.run(asyncio.wait_for(self._emit(done), self.timeout))
        except Exception as exc:  # Prefect down or slow: the action stands, untold
            log.warning("händelsen %s skickades inte till Prefect: %s", done.action, exc)

    async def _emit(self, done: Announcement) -> None:
        from prefect.events import Event
        from prefect.events.clients import PrefectEventsClient

        round_name = done.reference or (f"remiss {done.round_id}" if done.round_id else "remiss")
        resource = {
            "prefect.resource.id": f"remiss.round.{done.round_id}" if done.round_id else "remiss",
            "prefect.resource.name": round_name,
        }
        payload = {"actor": done.actor, **{k: _plain(v) for k, v in done.detail.items()}}
        event = Event(event=f"remiss.{done.action}", resource=resource, payload=payload)
        async with PrefectEventsClient(self.api_url, reconnection_attempts=0) as client:
            await client.emit(event)


def _plain(value: object) -> object:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
