"""The worker in tests: after every request, as a standing worker would within a moment.

The web leaves mail, files and disagreements to the workers (``remiss worker``). A test
client here runs one worker pass after each request it makes, so that a test reads the
catcher as a user reads their inbox a moment later, without waiting on a thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from remiss.app import App
from remiss.mail.claims import DeliveryReport
from remiss.mail.smtp import SmtpTarget
from remiss.rounds.launch import launch
from remiss.rounds.opening import OpenedRound
from remiss.rounds.spec import ParsedRound
from remiss.usecases.worker import Worker, beside


class WorkedClient(TestClient):
    """A ``TestClient`` whose app's outbox, files and disagreements are worked after each
    request."""

    def __init__(self, web: FastAPI, *args: Any, **kwargs: Any) -> None:
        super().__init__(web, *args, **kwargs)
        self.worker = Worker(web.state.remiss)
        self.working = True

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        if self.working:
            self.worker.drain()
        return response

    @contextmanager
    def worker_stopped(self) -> Iterator[None]:
        """No worker at work for the block: what the requests leave stays where it is."""
        self.working = False
        try:
            yield
        finally:
            self.working = True


def downloaded(client: TestClient, url: str) -> Any:
    """A file as a person gets it: asked for and, while a worker makes it (202 "Filen
    skapas"), asked for again after the worker's pass, as a reload a moment later."""
    response = client.get(url)
    if response.status_code == 202:
        Worker(client.app.state.remiss).drain()  # type: ignore[attr-defined]
        response = client.get(url)
    return response


def launched(
    app: App, parsed: list[ParsedRound], target: SmtpTarget, **options: Any
) -> tuple[list[OpenedRound], DeliveryReport]:
    """``launch`` with a worker beside it delivering, as a command without a standing
    worker runs it: the rounds, and what the worker sent."""
    with beside(app, target) as worker:
        opened = launch(app.sessions, app.settings, parsed, **options)
    return opened, worker.total.delivery


__all__ = ["WorkedClient", "downloaded", "launched"]
