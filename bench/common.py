"""What the benchmarks share: fresh databases, a counting SMTP server, the result line.

Every benchmark prints one line per goal, ``name: value baseline ratio``, that
``bench/run_all.py`` collects into the table ``make bench`` ends with.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
CREATED: list[tuple[str, str]] = []


def result(name: str, value: float, baseline: float, ratio: float, unit: str = "") -> None:
    """The line ``run_all.py`` reads: ``name: value baseline ratio`` (then the unit)."""
    print(f"{name}: {value:.3f} {baseline:.3f} {ratio:.3f} {unit}".rstrip(), flush=True)


def database_url(folder: Path, label: str, postgres: str | None) -> str:
    """A fresh database: a SQLite file in ``folder``, or a new database on ``postgres``."""
    if postgres is None:
        return f"sqlite:///{folder / f'{label}.db'}"
    name = f"remiss_bench_{label}_{uuid.uuid4().hex[:8]}"
    server = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    CREATED.append((postgres, name))
    return postgres.rsplit("/", 1)[0] + f"/{name}"


def drop_created() -> None:
    """Drop every PostgreSQL database ``database_url`` made."""
    for server_url, name in CREATED:
        server = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
    CREATED.clear()


def wait_for(port: int) -> None:
    """Until something listens on ``port`` (a server just started)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the SMTP server did not start")


@dataclass
class Counted:
    """What the counting server saw."""

    count: int = 0
    bytes: int = 0
    first: float = 0.0
    last: float = 0.0


@contextmanager
def counting_server(port: int, folder: Path) -> Iterator[Counted]:
    """A ``smtp_counter.py`` process on ``port``; its counts fill the yielded object at exit."""
    stats = folder / f"smtp-{port}.json"
    process = subprocess.Popen(
        [sys.executable, str(HERE / "smtp_counter.py"), str(port), str(stats)]
    )
    counted = Counted()
    try:
        wait_for(port)
        yield counted
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        if stats.exists():
            seen = json.loads(stats.read_text())
            counted.count, counted.bytes = seen["count"], seen["bytes"]
            counted.first, counted.last = seen["first"] or 0.0, seen["last"] or 0.0
