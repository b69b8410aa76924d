"""Shared fixtures: a real database (SQLite, and PostgreSQL when configured),
settings in a temporary data folder, and a settable clock."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from remiss.app import App
from remiss.core import clock
from remiss.core.db import make_engine, session_factory, upgrade
from remiss.core.models import Base
from remiss.core.settings import Settings
from remiss.directory import sync as directory
from tests.mailcatcher import RunningCatcher

POSTGRES_URL = os.environ.get("REMISS_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is enough)."""
    path = tmp_path_factory.mktemp("template") / "remiss.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A fresh, migrated PostgreSQL database for this test session."""
    if not POSTGRES_URL:
        yield None
        return
    name = f"remiss_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str | None,
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "remiss.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    assert postgres_url is not None
    engine = create_engine(postgres_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield postgres_url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        data_dir=tmp_path / "data",
        base_url="http://remiss.test",
        secret_key="test-secret-key-not-for-production",
        mail_from="remiss@sosr.example.org",
        # Never a sink some other process runs on the default port: each delivery starts its own.
        sink_port=1,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reading back what a test did (shells own their transactions)."""
    with sessions() as s:
        yield s


@pytest.fixture(autouse=True)
def fresh_runtime() -> Iterator[None]:
    """Each test's commands and flows read their runtime from that test's environment."""
    from remiss import app as runtime

    runtime.use(None)
    yield
    runtime.use(None)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """Every test starts at a fixed moment; tests move it with clock.set_now."""
    clock.set_now(datetime(2026, 2, 16, 8, 0, tzinfo=UTC))
    yield
    clock.set_now(None)


# --- real mail, the application, the sample directory ---------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def smtp() -> Iterator[RunningCatcher]:
    """A real SMTP server on a free port; ``smtp.catcher.received`` holds what arrived."""
    running = RunningCatcher()
    with running:
        yield running


@pytest.fixture
def app(settings: Settings, smtp: RunningCatcher) -> Iterator[App]:
    """The application, its settings pointing at the test SMTP server."""
    configured = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})
    application = App.create(configured)
    yield application
    application.close()


@pytest.fixture
def sample_directory(app: App) -> App:
    """The project's sample directory, loaded."""
    spec = directory.load(EXAMPLES / "directory.yaml")
    with app.transaction() as s:
        directory.apply(s, spec)
    return app


@pytest.fixture
def remiss(settings: Settings, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose environment points remiss at the test database and SMTP server."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("REMISS_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("REMISS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("REMISS_BASE_URL", settings.base_url)
    monkeypatch.setenv("REMISS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REMISS_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("REMISS_MAIL_FROM", "remiss@sosr.example.org")
    return CliRunner()
