"""What the benchmarks share: fresh databases, a counting SMTP server, raw aiosmtplib,
the time of ``import prefect``, the result line.

Every benchmark prints one line per goal, ``name: value baseline ratio [unit] [| goal]``,
that ``bench/run_all.py`` collects into the table ``make bench`` ends with.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
CREATED: list[tuple[str, str]] = []


def result(
    name: str, value: float, baseline: float, ratio: float, unit: str = "", goal: str = ""
) -> None:
    """The line ``run_all.py`` reads: ``name: value baseline ratio``, then the unit, then
    ``| goal``: which column it bounds and how, e.g. ``ratio ≥ 0.5`` or ``value ≤ 1000``."""
    line = f"{name}: {value:.3f} {baseline:.3f} {ratio:.3f} {unit}".rstrip()
    print(f"{line} | {goal}" if goal else line, flush=True)


def cache_bytecode() -> None:
    """Let the processes this one starts keep compiled bytecode, as an installed remiss
    does (pip compiles on install, and Python on first import): with
    ``PYTHONDONTWRITEBYTECODE`` set, every fresh process compiles every module it
    imports, and that, not the work, is what a command's start then measures. The cache
    lives in a folder of its own, not beside the sources."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault(
        "PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "remiss-bench-pycache")
    )


def median_turn(turns: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Of (value, baseline) turns, the one with the median ratio: value, baseline, ratio."""
    ratio, value, baseline = sorted((v / b, v, b) for v, b in turns)[len(turns) // 2]
    return value, baseline, ratio


def import_prefect(env: dict[str, str] | None = None) -> float:
    """Seconds a fresh process of this Python takes to ``import prefect`` and exit: what
    every command's fixed start is measured against (issue 30, goal 3)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import prefect"], env=env or dict(os.environ),
                   check=True)  # fmt: skip
    return time.perf_counter() - start


async def send_raw(port: int, messages: Sequence[bytes], connections: int) -> None:
    """Raw aiosmtplib: ``messages`` sent over ``connections`` connections at once, the
    i-th to ``p{i}@bench.example.org``; the baseline of launch and delivery."""
    import aiosmtplib

    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(messages)):
        queue.put_nowait(i)

    async def sender() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await client.connect()
        while not queue.empty():
            i = queue.get_nowait()
            await client.sendmail("remiss@bench.example.org", [f"p{i}@bench.example.org"],
                                  messages[i])  # fmt: skip
        await client.quit()

    await asyncio.gather(*(sender() for _ in range(connections)))


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
