"""Launch speed: open a round for N people and deliver every invitation.

Generates a directory of N people and a round that reaches all of them, then runs
``remiss round open`` as a command of its own, started cold as a coordinator starts
it, beside a standing ``remiss worker`` (as ``remiss serve`` and compose run one), against
an SMTP server in a process of its own that counts what it accepts. The
baseline, in the same run and to a fresh server of the same kind: raw aiosmtplib
sending N messages of the same average size over 16 connections from a process of
its own.

    .venv/bin/python bench/launch.py [N] [--repeat 3] [--postgres URL]

Prints, from ``--repeat`` runs each beside baselines of its own:

- ``launch-N: rate baseline ratio``: messages per second from the command's start to the
  last message accepted; the run with the median ratio (goal ≥ 0.5).
- ``first-mail-N: seconds baseline ratio``: from the command's start to the first
  invitation accepted, against the time a fresh process takes to ``import prefect``,
  measured right after it; the run with the median ratio (goal ≤ 1.0).
- ``launch-memory-N: MB MB ratio``: the peak memory of the command's process tree and
  the worker's together (the proportional set size, PSS, of every process in them
  summed, sampled every 20 ms; the median of the runs), against the same for a tenth as
  many people (goal: flat in N, ≤ 1.2). Each tree's own peak is printed beside it.

No assertions; not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from common import (
    Counted,
    cache_bytecode,
    counting_server,
    database_url,
    drop_created,
    import_prefect,
    result,
    send_raw,
)
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from remiss.core.db import make_engine, session_factory, upgrade
from remiss.core.models import Group, Membership, Message, Person, Region
from remiss.core.states import MessageStatus
from remiss.mail.sink import free_port

CONNECTIONS = 16
SAMPLE_EVERY = 0.02  # seconds between two readings of a process tree's memory


def seed_directory(session: Session, n: int) -> None:
    """N people in groups of 500 covering one area; every 20th also sits in a second group.

    Written directly: the directory file's reader refuses files this large.
    """
    groups = max(1, n // 500)
    session.execute(
        insert(Region),
        [{"code": "RJL", "name": "Region Jönköpings län"},
         {"code": "RKL", "name": "Region Kalmar län"}],
    )  # fmt: skip
    regions = list(session.scalars(select(Region.id).order_by(Region.id)))
    session.execute(
        insert(Group),
        [{"key": f"bench-{g}", "name": f"RPO Bänkgrupp {g}", "kind": "RPO", "areas": ["bench"]}
         for g in range(groups)],
    )  # fmt: skip
    group_ids = list(session.scalars(select(Group.id).order_by(Group.id)))
    session.execute(
        insert(Person),
        [{"email": f"p{i}@bench.example.org", "name": f"Person Åkesson {i}",
          "region_id": regions[i % 2]} for i in range(n)],
    )  # fmt: skip
    people = list(session.scalars(select(Person.id).order_by(Person.id)))
    memberships = [{"group_id": group_ids[i % groups], "person_id": p, "role": "ledamot"}
                   for i, p in enumerate(people)]  # fmt: skip
    if groups > 1:
        memberships += [
            {"group_id": group_ids[(i + 1) % groups], "person_id": p, "role": "adjungerad"}
            for i, p in enumerate(people) if i % 20 == 0
        ]  # fmt: skip
    session.execute(insert(Membership), memberships)


def round_yaml() -> str:
    deadline = date.today() + timedelta(days=90)
    return (
        "reference: BENCH-2026-001\n"
        'title: "Bröstcancer, nationellt vårdprogram"\n'
        "kind: nationellt vårdprogram\n"
        "issuer: RCC i samverkan\n"
        "areas: [bench]\n"
        f"deadline: {deadline.isoformat()}\n"
        "coordinator: kansli@bench.example.org\n"
        "documents:\n"
        '  - {title: Remissversion, url: "https://example.org/brostcancer.pdf"}\n'
    )


def seed(folder: Path, n: int, url: str) -> None:
    """A fresh database at ``url`` with N people and the round file beside it."""
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        seed_directory(session, n)
    engine.dispose()
    (folder / "round.yaml").write_text(round_yaml())


def command_env(folder: Path, url: str, port: int) -> dict[str, str]:
    """What a coordinator's shell holds: this database, this SMTP server, no Prefect API."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))},
        "REMISS_DATABASE_URL": url,
        "REMISS_DATA_DIR": str(folder / "data"),
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(port),
        "REMISS_SMTP_CONNECTIONS": str(CONNECTIONS),
        "REMISS_MAIL_FROM": "remiss@bench.example.org",
        "REMISS_BASE_URL": "https://remiss.bench.example.org",
    }


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it (children of any of its threads)."""
    found = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            for child in children.read_text().split():
                found += tree(int(child))
        except OSError:
            continue
    return found


def tree_memory(pid: int) -> int:
    """The proportional set size of ``pid``'s process tree in kB: shared pages counted
    once in all, not once in each process; 0 once it is gone."""
    total = 0
    for member in tree(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) for line in rollup
                               if line.startswith("Pss:")), 0)  # fmt: skip
        except OSError:
            continue
    return total


class Peaks:
    """The largest tree memory seen of each process given and of all together, sampled
    until stopped."""

    def __init__(self, *pids: int) -> None:
        self.peaks = dict.fromkeys(pids, 0)
        self.together = 0
        self.members = dict.fromkeys(pids, 0)
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self.sample)
        self.sampler.start()

    def sample(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            now = {pid: tree_memory(pid) for pid in self.peaks}
            self.together = max(self.together, sum(now.values()))
            for pid, memory in now.items():
                self.peaks[pid] = max(self.peaks[pid], memory)
                self.members[pid] = max(self.members[pid], len(tree(pid)))

    def stop(self) -> None:
        self.done.set()
        self.sampler.join()


def remiss_run(folder: Path, url: str, port: int) -> tuple[float, int, int, int, int]:
    """Run ``remiss round open`` as a coordinator does, a command of its own from cold,
    beside a worker already at work; return once the worker has sent every invitation.

    Returns the command's start time; the peak memory in kB of the command's tree and
    the worker's together, of the command's alone and of the worker's alone; and the
    most processes the command's tree held at once.
    """
    env = command_env(folder, url, port)
    remiss = Path(sys.executable).with_name("remiss")
    worker = subprocess.Popen([str(remiss), "worker"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert worker.stderr is not None
        if "Arbetaren körs" not in worker.stderr.readline():
            raise SystemExit("remiss worker did not start")
        start = time.time()
        command = subprocess.Popen(
            [str(remiss), "round", "open", str(folder / "round.yaml")], env=env
        )
        peaks = Peaks(command.pid, worker.pid)
        try:
            if command.wait():
                raise SystemExit(f"remiss round open failed: {command.returncode}")
            sent_by_worker(url)
        finally:
            peaks.stop()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return (start, peaks.together, peaks.peaks[command.pid], peaks.peaks[worker.pid],
            peaks.members[command.pid])  # fmt: skip


def sent_by_worker(url: str) -> None:
    """Wait until the outbox holds nothing the worker has still to send."""
    engine = make_engine(url)
    waiting = select(func.count(Message.id)).where(
        Message.status.in_([MessageStatus.PENDING, MessageStatus.SENDING])
    )
    try:
        while True:
            with engine.connect() as connection:
                if not connection.scalar(waiting):
                    return
            time.sleep(0.05)
    finally:
        engine.dispose()


@dataclass
class Launch:
    """What the SMTP server saw of one launch, when the command started, and memory (kB)."""

    counted: Counted
    start: float
    memory: int  # the command's tree and the worker's, together
    command_memory: int
    worker_memory: int
    processes: int  # in the command's tree, at most


def launched(folder: Path, n: int, postgres: str | None) -> Launch:
    """Open a round for N people in a fresh database, every invitation delivered."""
    folder.mkdir(parents=True)
    try:
        url = database_url(folder, f"launch{n}", postgres)
        seed(folder, n, url)
        port = free_port()
        with counting_server(port, folder) as counted:
            ran = remiss_run(folder, url, port)
    finally:
        drop_created()
    if counted.count < n:
        raise SystemExit(f"only {counted.count} of {n} invitations accepted")
    return Launch(counted, *ran)


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def baseline_message(size: int, i: int) -> bytes:
    head = (
        f"From: remiss@bench.example.org\r\nTo: p{i}@bench.example.org\r\n"
        f"Subject: Remiss {i}\r\nMessage-ID: <{i}@bench.example.org>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode()
    line = b"x" * 74 + b"\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return head + body


def baseline(folder: Path, n: int, size: int) -> float:
    """Raw aiosmtplib over 16 connections, in a process of its own; messages per second."""
    port = free_port()
    with counting_server(port, folder) as counted:
        start = time.time()
        subprocess.run(
            [sys.executable, __file__, "--raw-client", str(port), str(n), str(size)], check=True
        )
    assert counted.count == n, f"baseline: {counted.count} of {n} accepted"
    return n / (counted.last - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--postgres", metavar="URL", help="open the round on PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3, help="runs, each beside its baseline")
    parser.add_argument("--raw-client", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_client:
        port, n, size = args.raw_client
        asyncio.run(send_raw(port, [baseline_message(size, i) for i in range(n)], CONNECTIONS))
        return
    n = args.n
    small = max(1, n // 10)
    runs = []  # each launch beside its own baselines
    cache_bytecode()
    with tempfile.TemporaryDirectory(prefix="remiss-launch-") as tmp:
        folder = Path(tmp)
        # First, so that no run of N compiles what Python has not cached yet.
        lone = launched(folder / "small", small, args.postgres)
        for run in range(args.repeat):
            launch = launched(folder / f"big{run}", n, args.postgres)
            counted = launch.counted
            rate = counted.count / (counted.last - launch.start)
            raw = baseline(folder, n, counted.bytes // counted.count)
            runs.append((launch, rate, raw, counted.first - launch.start, import_prefect()))
    _, rate, raw = sorted((r[1] / r[2], r[1], r[2]) for r in runs)[len(runs) // 2]
    _, first, prefect = sorted((r[3] / r[4], r[3], r[4]) for r in runs)[len(runs) // 2]
    memory = sorted(r[0].memory for r in runs)[len(runs) // 2]
    print(f"# {n} invitations, {counted.bytes // counted.count} bytes each on average; "
          f"{args.repeat} runs, ratios {' '.join(f'{r[1] / r[2]:.2f}' for r in runs)}; first "
          f"mail {' '.join(f'{r[3]:.2f}' for r in runs)} s, import prefect "
          f"{' '.join(f'{r[4]:.2f}' for r in runs)} s (the medians below); peak memory of the "
          f"command's tree and the worker's {' '.join(mb(r[0].memory) for r in runs)} MB, "
          f"{mb(lone.memory)} MB for {small}; the command's tree alone "
          f"{' '.join(mb(r[0].command_memory) for r in runs)} MB "
          f"({max(r[0].processes for r in runs)} processes at most), the worker's "
          f"{' '.join(mb(r[0].worker_memory) for r in runs)} MB",
          flush=True)  # fmt: skip
    result(f"launch-{n}", rate, raw, rate / raw, "msg/s", "ratio ≥ 0.5")
    result(f"first-mail-{n}", first, prefect, first / prefect, "s", "ratio ≤ 1.0")
    result(f"launch-memory-{n}", memory / 1024, lone.memory / 1024, memory / lone.memory, "MB",
           "ratio ≤ 1.2")  # fmt: skip


if __name__ == "__main__":
    main()
