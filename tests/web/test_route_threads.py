"""The threads a web process runs its routes in: as many as REMISS_WEB_THREADS says."""

from __future__ import annotations

from anyio import to_thread

from remiss.app import App
from remiss.web import create_app
from tests.working import WorkedClient


def test_routes_run_in_as_many_threads_as_the_settings_say(app: App) -> None:
    threads = App.create(app.settings.model_copy(update={"web_threads": 3}))
    try:
        with WorkedClient(create_app(threads)) as client:
            limiter = client.portal.call(to_thread.current_default_thread_limiter)
            assert limiter.total_tokens == 3
            assert client.get("/r/" + "x" * 43).status_code == 404  # routes still run
    finally:
        threads.close()
