"""The flows run as real Prefect flow runs, with their tasks tracked (one server for the module)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from remiss.app import App
from tests.conftest import EXAMPLES
from tests.mailcatcher import RunningCatcher
from tests.working import WorkedClient

T = TypeVar("T")


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    import os

    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def environment(app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch) -> App:
    s = app.settings
    for name, value in {
        "REMISS_DATABASE_URL": s.resolved_database_url,
        "REMISS_DATA_DIR": str(s.data_dir),
        "REMISS_BASE_URL": s.base_url,
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(smtp.port),
        "REMISS_COORDINATORS": "kansli@sosr.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    return app


def test_opening_sweeping_and_compiling_as_tracked_flow_runs(
    prefect_api: None, environment: App, sample_directory: App, smtp: RunningCatcher,
    tmp_path: Path,
) -> None:  # fmt: skip
    from flows.compile_response import compile_response
    from flows.open_round import open_round
    from flows.reminders import reminder_sweep
    from prefect.context import get_run_context  # noqa: F401  (Prefect is configured)

    batch = EXAMPLES / "rounds" / "2026-nhv-remissforslag.yaml"
    state = open_round(str(batch), "2026-02-23T09:00:00+01:00", "test", return_state=True)
    assert state.is_completed()
    result = state.result()
    assert [r["created"] for r in result["rounds"]] == [True, True]
    assert result["delivery"]["sent"] == len(smtp.catcher.received) > 0

    sweep = reminder_sweep("2026-04-03T00:30:00+02:00", return_state=True)
    assert sweep.is_completed()
    closed = sweep.result()["closed_round_ids"]
    assert len(closed) == 2  # both internal deadlines (2 April) have passed
    # Nobody answered: "inga svar", no yttrande, one digest to the coordinator.
    assert [(c["version"], c["no_answers"]) for c in sweep.result()["compiled"]] == [
        (None, True),
        (None, True),
    ]
    assert [r.subject for r in smtp.catcher.received][-1] == "Två remisser stängda utan svar"

    # A round nobody answered has no documents to compile: refused, saying why.
    again = compile_response(closed[0], "test", False, return_state=True)
    assert again.is_failed() and "inga svar" in str(again.result(raise_on_failure=False))


def test_every_web_action_is_told_to_prefect_as_an_event_on_its_round(
    prefect_api: None, sample_directory: App, smtp: RunningCatcher
) -> None:
    from datetime import timedelta

    from flows.events import announcer
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter
    from prefect.settings import PREFECT_API_URL
    from prefect.types import DateTime

    from remiss.web import create_app
    from remiss.web.rate_limits import RateLimiter
    from tests.web.conftest import login, open_round
    from tests.web.test_yttrande_pages import post

    since = DateTime.now("UTC") - timedelta(seconds=1)
    round_id = open_round(sample_directory)
    web = create_app(
        sample_directory, limiter=RateLimiter(capacity=1000, per_second=1),
        announcer=announcer(str(PREFECT_API_URL.value())),
    )  # fmt: skip
    with WorkedClient(web, base_url="http://remiss.test") as client:
        login(client, smtp.catcher)
        assert post(client, f"/rounds/{round_id}/close").status_code == 303
        # Refused (already closed): the page says why, and Prefect is told nothing.
        assert post(client, f"/rounds/{round_id}/remind").status_code == 409

    wanted = EventFilter(
        event=EventNameFilter(prefix=["remiss."]), occurred=EventOccurredFilter(since=since)
    )

    def told() -> list[tuple[str, str, object]]:
        with get_client(sync_client=True) as prefect:
            page = prefect.read_events(filter=wanted, limit=50)
        return [
            (e.event, e.resource.id, e.payload.get("actor"))
            for e in page.events
            if e.resource.id == f"remiss.round.{round_id}"
        ]

    # The server stores what it is sent in the background: ask until it has it.
    events = eventually(told, "the close event in Prefect")
    assert events == [("remiss.round.close", f"remiss.round.{round_id}", COORDINATOR)]


COORDINATOR = "kansli@sosr.example.org"


def eventually(found: Callable[[], T], what: str, within: float = 30.0) -> T:
    """``found()`` once it is truthy: for what another server stores in its own time."""
    asked = threading.Event()
    for _ in range(int(within / 0.1)):
        value = found()
        if value:
            return value
        asked.wait(0.1)
    raise AssertionError(f"no {what} within {within} s")


def test_an_unanswering_prefect_never_stops_a_coordinator(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    from flows.events import announcer
    from sqlalchemy import select

    from remiss.core.models import Round
    from remiss.mail.sink import free_port
    from remiss.web import create_app
    from remiss.web.rate_limits import RateLimiter
    from tests.web.conftest import login, open_round
    from tests.web.test_yttrande_pages import post

    round_id = open_round(sample_directory)
    nobody = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    web = create_app(
        sample_directory, limiter=RateLimiter(capacity=1000, per_second=1),
        announcer=announcer(nobody),
    )  # fmt: skip
    with WorkedClient(web, base_url="http://remiss.test") as client:
        login(client, smtp.catcher)
        assert post(client, f"/rounds/{round_id}/close").status_code == 303
    with sample_directory.sessions() as session:
        assert session.scalar(select(Round.status).where(Round.id == round_id)) == "closed"
