"""Launch speed: open a round for N people and deliver every invitation.

Generates a directory of N people and a round that reaches all of them, then runs
``remiss round open`` as a command of its own, started cold as a coordinator starts
it, beside a standing ``remiss worker`` (as ``remiss serve`` and compose run one), against
an SMTP server in a process of its own that counts what it accepts. The
baseline, in the same run and to a fresh server of the same kind: raw aiosmtplib
sending N messages of the same average size over 16 connections from a process of
its own.

    .venv/bin/python bench/launch.py [N] [--repeat 3] [--postgres URL]

Prints ``launch-N: rate baseline ratio`` (messages per second, from the command's
start to the last message accepted; the run with the median ratio of ``--repeat``,
each beside a baseline of its own), ``first-mail-N: seconds limit ratio`` (the
first invitation accepted after the command started, the median, against the 1.5 s
goal) and ``launch-memory-N: MB MB ratio`` (the command's peak memory against the same command for a tenth as many people: near 1 is flat in N).
No assertions; not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import Counted, counting_server, database_url, drop_created, result
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from remiss.core.db import make_engine, session_factory, upgrade
from remiss.core.models import Group, Membership, Message, Person, Region
from remiss.core.states import MessageStatus
from remiss.mail.sink import free_port

CONNECTIONS = 16
FIRST_MAIL_GOAL = 1.5  # seconds


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


def remiss_run(folder: Path, url: str, port: int) -> tuple[float, int]:
    """Run ``remiss round open`` as a coordinator does, a command of its own from cold,
    beside a worker already at work; return once the worker has sent every invitation.

    Returns the command's start time and its peak memory in kB.
    """
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))},
        "REMISS_DATABASE_URL": url,
        "REMISS_DATA_DIR": str(folder / "data"),
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(port),
        "REMISS_SMTP_CONNECTIONS": str(CONNECTIONS),
        "REMISS_MAIL_FROM": "remiss@bench.example.org",
        "REMISS_BASE_URL": "https://remiss.bench.example.org",
    }
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
        _, status, usage = os.wait4(command.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"remiss round open failed: {os.waitstatus_to_exitcode(status)}")
        sent_by_worker(url)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return start, usage.ru_maxrss


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


def launched(folder: Path, n: int, postgres: str | None) -> tuple[Counted, float, int]:
    """What the SMTP server saw of opening a round for N people, its start and peak memory."""
    folder.mkdir(parents=True)
    try:
        url = database_url(folder, f"launch{n}", postgres)
        seed(folder, n, url)
        port = free_port()
        with counting_server(port, folder) as counted:
            start, peak = remiss_run(folder, url, port)
    finally:
        drop_created()
    if counted.count < n:
        raise SystemExit(f"only {counted.count} of {n} invitations accepted")
    return counted, start, peak


def baseline_message(size: int, i: int) -> bytes:
    head = (
        f"From: remiss@bench.example.org\r\nTo: p{i}@bench.example.org\r\n"
        f"Subject: Remiss {i}\r\nMessage-ID: <{i}@bench.example.org>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode()
    line = b"x" * 74 + b"\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return head + body


async def send_raw(port: int, n: int, size: int) -> None:
    import aiosmtplib

    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)

    async def worker() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await client.connect()
        while not queue.empty():
            i = queue.get_nowait()
            await client.sendmail("remiss@bench.example.org", [f"p{i}@bench.example.org"],
                                  baseline_message(size, i))  # fmt: skip
        await client.quit()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))


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
        asyncio.run(send_raw(port, n, size))
        return
    n = args.n
    small = max(1, n // 10)
    runs = []  # (ratio, rate, baseline, first mail), each launch beside its own baseline
    with tempfile.TemporaryDirectory(prefix="remiss-launch-") as tmp:
        folder = Path(tmp)
        for run in range(args.repeat):
            counted, start, peak = launched(folder / f"big{run}", n, args.postgres)
            rate = counted.count / (counted.last - start)
            raw = baseline(folder, n, counted.bytes // counted.count)
            runs.append((rate / raw, rate, raw, counted.first - start))
        _, _, small_peak = launched(folder / "small", small, args.postgres)
    ratio, rate, raw, _ = sorted(runs)[len(runs) // 2]
    first = sorted(r[3] for r in runs)[len(runs) // 2]
    print(f"# {n} invitations, {counted.bytes // counted.count} bytes each on average; "
          f"peak memory {peak / 1024:.0f} MB, {small_peak / 1024:.0f} MB for {small}; "
          f"{args.repeat} runs, ratios {' '.join(f'{r[0]:.2f}' for r in runs)}, first mail "
          f"{' '.join(f'{r[3]:.2f}' for r in runs)} s (the medians below)",
          flush=True)  # fmt: skip
    result(f"launch-{n}", rate, raw, ratio, "msg/s")
    result(f"first-mail-{n}", first, FIRST_MAIL_GOAL, first / FIRST_MAIL_GOAL, "s")
    result(f"launch-memory-{n}", peak / 1024, small_peak / 1024, peak / small_peak, "MB")


if __name__ == "__main__":
    main()
