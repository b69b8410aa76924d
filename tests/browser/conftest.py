"""A real server (uvicorn in a thread) and a real headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import func, select

from remiss.app import App
from remiss.core.models import Message
from remiss.core.settings import Settings
from remiss.core.states import MessageStatus
from remiss.directory import sync as directory
from remiss.mail.sink import free_port
from remiss.usecases.worker import Worker
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from tests.conftest import EXAMPLES
from tests.mailcatcher import MailCatcher, RunningCatcher

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COORDINATOR = "kansli@sosr.example.org"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@dataclass
class Live:
    app: App
    url: str
    catcher: MailCatcher


@contextmanager
def served(settings: Settings) -> Iterator[tuple[App, str]]:
    """The whole web app over ``settings`` (the directory loaded), on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = App.create(settings.model_copy(update={"coordinators": [COORDINATOR], "base_url": url}))
    with app.transaction() as session:
        directory.apply(session, directory.load(EXAMPLES / "directory.yaml"))
    web = create_app(app, limiter=RateLimiter(capacity=1000, per_second=10))
    server = uvicorn.Server(
        uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    # The socket listens before the server thread starts, so the browser's first request
    # simply waits in its backlog: nothing needs to poll for the server to come up.
    listening = socket.create_server(("127.0.0.1", port))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    # And a worker beside it, as ``remiss serve`` runs one: what the pages queue is sent.
    stop = threading.Event()
    working = threading.Thread(
        target=Worker(app, poll=0.05).run, args=(stop,), kwargs={"beat": False}, daemon=True
    )
    working.start()
    try:
        yield app, url
    finally:
        stop.set()
        working.join(timeout=30)
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
        app.close()


@pytest.fixture
def live(settings: Settings, smtp: RunningCatcher) -> Iterator[Live]:
    """The whole web app served over HTTP on a free port, mail going to the catcher."""
    with served(settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})) as (
        app,
        url,
    ):
        yield Live(app=app, url=url, catcher=smtp.catcher)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per module: Playwright's event loop must be gone before other tests
    run their own (``asyncio.run`` refuses to start inside a running loop)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shoot() -> Callable[[object, str], None]:
    """Save a screenshot when REMISS_SCREENSHOTS names a folder."""
    folder = os.environ.get("REMISS_SCREENSHOTS")

    def save(page: object, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

    return save


def deliver(live: Live) -> None:
    """Wait until the worker beside the server has sent everything the outbox holds: as
    many messages have arrived as it holds (woken by each arrival, no polling)."""

    def queued() -> int:
        with live.app.sessions() as session:
            return (
                session.scalar(
                    select(func.count(Message.id)).where(Message.status != MessageStatus.FAILED)
                )
                or 0
            )

    live.catcher.wait_for(lambda: len(live.catcher.received) >= queued(), "the outbox's mail")


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_accessible(page: object) -> None:
    """axe-core's WCAG 2.1 A and AA rules find nothing on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]
    assert problems == [], "\n".join(problems)
