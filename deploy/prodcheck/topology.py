"""Production as compose starts it, as processes on this machine: a Prefect server on
PostgreSQL, the deployments of deploy/prefect.yaml on a process work pool, workers and
remiss's own workers and several web processes over one app database, sending to one SMTP server."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from deploy.prodcheck.databases import Server
from deploy.prodcheck.processes import Supervisor, answers
from remiss.mail.sink import free_port

POOL = "remiss"
COORDINATOR = "kansli@sosr.example.org"


@dataclass
class Topology:
    repo: Path
    work: Path
    server: Server
    smtp_port: int
    web_count: int = 2
    worker_count: int = 2
    remiss_worker_count: int = 2
    supervisor: Supervisor = field(init=False)
    app_url: URL = field(init=False)
    prefect_url: URL = field(init=False)
    prefect_port: int = field(default_factory=free_port)
    web_ports: list[int] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    _engine: sa.Engine | None = None

    def __post_init__(self) -> None:
        (self.work / "logs").mkdir(parents=True, exist_ok=True)
        self.supervisor = Supervisor(self.work / "logs")
        if not self.web_ports:
            self.web_ports = [free_port() for _ in range(self.web_count)]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.prefect_port}/api"

    def web(self, n: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[n % len(self.web_ports)]}"

    def bin(self, name: str) -> str:
        return str(Path(sys.executable).with_name(name))

    def start(self, progress: Callable[[str], None]) -> None:
        """Bring everything up, in the order compose does; ``progress`` hears each step."""
        self.app_url = self.server.create("app")
        self.prefect_url = self.server.create("prefect")
        self.env = self._environment()
        progress("databaser skapade")
        self.supervisor.run("migrate", [self.bin("remiss"), "db", "upgrade"], self.env, self.repo)
        self.supervisor.run(
            "directory",
            [self.bin("remiss"), "directory", "import", "examples/directory.yaml"],
            self.env, self.repo,
        )  # fmt: skip
        progress("appdatabasen migrerad, katalogen inläst")
        self._start_prefect_server()
        progress(f"Prefect-servern på PostgreSQL svarar ({self.api_url})")
        self.supervisor.run(
            "work-pool",
            [self.bin("prefect"), "work-pool", "create", POOL, "--type", "process", "--overwrite"],
            self.env, self.repo,
        )  # fmt: skip
        self.supervisor.run(
            "deploy",
            [self.bin("prefect"), "--no-prompt", "deploy", "--all",
             "--prefect-file", "deploy/prefect.yaml"],
            self.env, self.repo,
        )  # fmt: skip
        progress("arbetspool och deployments från deploy/prefect.yaml")
        for n in range(1, self.worker_count + 1):
            self.supervisor.start(
                f"worker-{n}",
                [self.bin("prefect"), "worker", "start", "--pool", POOL, "--type", "process",
                 "--name", f"worker-{n}"],
                self.env, self.repo,
            )  # fmt: skip
        # remiss's own workers: what comes after a commit (mail, files, disagreements).
        for n in range(1, self.remiss_worker_count + 1):
            self.supervisor.start(
                f"remiss-worker-{n}", [self.bin("remiss"), "worker"], self.env, self.repo
            )
        for n, port in enumerate(self.web_ports, start=1):
            web = self.supervisor.start(
                f"web-{n}",
                [self.bin("remiss"), "serve", "--web-only", "--host", "127.0.0.1",
                 "--port", str(port)],
                self.env, self.repo,
            )  # fmt: skip
            self.supervisor.wait_until(
                f"webbprocess {n} på port {port}",
                lambda port=port: answers(f"http://127.0.0.1:{port}/login"),  # type: ignore[misc]
                web, 60,
            )  # fmt: skip
        progress(
            f"{self.web_count} webbprocesser, {self.remiss_worker_count} remiss-arbetare och "
            f"{self.worker_count} Prefect-workers startade"
        )

    def read(self, sql: str, **params: Any) -> list[Any]:
        """The rows of one read of the app database, as it stands now."""
        if self._engine is None:
            self._engine = sa.create_engine(self.app_url, isolation_level="AUTOCOMMIT")
        with self._engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params).all())

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self.supervisor.stop_all()
        self.server.drop_all()

    def _environment(self) -> dict[str, str]:
        """What compose gives every app container: one database, one data volume, one key."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
        env.update(
            {
                "REMISS_DATABASE_URL": self.app_url.render_as_string(hide_password=False),
                "REMISS_DATA_DIR": str(self.work / "data"),
                # Left empty, as in a copied .env: generated into the shared data folder.
                "REMISS_SECRET_KEY": "",
                "REMISS_BASE_URL": self.web(0),
                "REMISS_COORDINATORS": COORDINATOR,
                "REMISS_SMTP_HOST": "127.0.0.1",
                "REMISS_SMTP_PORT": str(self.smtp_port),
                "REMISS_TIMEZONE": "Europe/Stockholm",
                # Where the workers run the flows from: /app in the image, here the checkout.
                "REMISS_APP_DIR": str(self.repo),
                "PREFECT_API_URL": self.api_url,
                # The events are counted at the end: on a loaded machine a busy server may
                # take longer than the 3 s an action gives it by default.
                "REMISS_PREFECT_EVENT_TIMEOUT": "60",
                "PREFECT_HOME": str(self.work / "prefect-home"),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1",
                # Workers look for work every 2 s here (10 s by default) to keep the check short.
                "PREFECT_WORKER_QUERY_SECONDS": "2",
                "PREFECT_WORKER_PREFETCH_SECONDS": "5",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def _start_prefect_server(self) -> None:
        database = self.prefect_url.set(drivername="postgresql+asyncpg")
        env = {
            **self.env,
            "PREFECT_API_DATABASE_CONNECTION_URL": database.render_as_string(hide_password=False),
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(self.prefect_port),
            "PREFECT_UI_API_URL": self.api_url,
        }
        env.pop("PREFECT_API_URL")
        server = self.supervisor.start(
            "prefect-server",
            [self.bin("prefect"), "server", "start", "--host", "127.0.0.1",
             "--port", str(self.prefect_port)],
            env, self.repo,
        )  # fmt: skip
        self.supervisor.wait_until(
            "Prefect-serverns svar", lambda: answers(f"{self.api_url}/health"), server, 120
        )
