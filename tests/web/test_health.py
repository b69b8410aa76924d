"""``/healthz``, what compose's health check on the web app asks: "ok" with no login while
the database answers, and no "ok" once it does not."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from remiss.app import App
from remiss.core.settings import Settings
from remiss.web import create_app


def test_healthz_says_ok_to_anyone_while_the_database_answers(client: TestClient) -> None:
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.text == "ok"
    assert "set-cookie" not in answer.headers


def test_healthz_is_not_ok_when_the_database_does_not_answer(
    settings: Settings, tmp_path: Path
) -> None:
    # Nothing listens on port 1: PostgreSQL refuses every connection.
    gone = settings.model_copy(
        update={"database_url": "postgresql+psycopg://remiss:x@127.0.0.1:1/remiss"}
    )
    app = App.create(gone)
    try:
        with TestClient(create_app(app), raise_server_exceptions=False) as client:
            answer = client.get("/healthz")
    finally:
        app.close()

    assert answer.status_code == 503  # the page for a database that does not answer
    assert answer.text != "ok"
