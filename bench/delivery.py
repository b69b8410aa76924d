"""Delivery throughput: remiss's deliverer against raw aiosmtplib, same connections, same sink.

The outbox delivered by remiss's deliverer (claim, send, record) over 4, 8 and 16
connections, and beside each, in turns, the baseline: raw aiosmtplib sending the same
messages over as many connections from this process (no database). Both send to an
aiosmtpd sink in a process of its own. Prints messages per second and each connection
count's ratio (the turn with the median ratio of ``--repeat``), and ``delivery-16: rate
baseline ratio``. No goal of its own (launch is where delivery is judged); no assertions.

    .venv/bin/python bench/delivery.py [N] [--repeat 3] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import database_url, drop_created, result, send_raw, wait_for
from sqlalchemy import select, update

from remiss.app import App
from remiss.core.db import upgrade
from remiss.core.models import Message
from remiss.core.settings import Settings
from remiss.mail import outbox
from remiss.mail import rendering as emails
from remiss.mail.catalogue import Email
from remiss.mail.delivery import deliver
from remiss.mail.sink import free_port
from remiss.mail.smtp import SmtpTarget


def queue(app: App, n: int, tag: str) -> list[bytes]:
    with app.transaction() as s:
        for i in range(n):
            outbox.queue(
                s,
                app.settings,
                key=f"{tag}:{i}",
                email=Email(
                    kind="bench",
                    message=emails.OutgoingEmail(
                        to=f"person{i}@example.org",
                        subject=f"Remiss {i}: Bröstcancer, nationellt vårdprogram",
                        text="Hej,\n\nSvara senast 27 mars 2026.\n\nhttp://127.0.0.1/r/"
                        + "x" * 43
                        + "\n",
                        html="<p>Hej,</p><p>Svara senast 27 mars 2026.</p>",
                    ),
                ),
            )
    with app.sessions() as s:
        return list(s.scalars(select(Message.raw).where(Message.kind == "bench").limit(n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="turns of each, in alternation")
    parser.add_argument("--postgres", metavar="URL", help="queue on PostgreSQL (else SQLite)")
    args = parser.parse_args()
    try:
        run(args.n, args.repeat, args.postgres)
    finally:
        drop_created()


def run(n: int, repeat: int, postgres: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="remiss-bench-"))
    url = database_url(folder, "delivery", postgres)
    settings = Settings(_env_file=None, data_dir=folder, database_url=url)  # type: ignore[call-arg]
    app = App.create(settings)
    upgrade(app.engine)
    port = free_port()
    # The SMTP server runs in its own process, as a real one would: in this process it
    # would compete with the client for the interpreter lock.
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
         "aiosmtpd.handlers.Sink"]
    )  # fmt: skip
    wait_for(port)
    try:
        raws = queue(app, n, "baseline")
        target = SmtpTarget(host="127.0.0.1", port=port)

        def raw(connections: int) -> float:
            start = time.perf_counter()
            asyncio.run(send_raw(port, raws, connections))
            return n / (time.perf_counter() - start)

        def remiss(connections: int) -> float:
            with app.transaction() as s:
                s.execute(update(Message).values(status="pending", raw=raws[0]))
            tuned = settings.model_copy(update={"smtp_connections": connections})
            start = time.perf_counter()
            report = deliver(app.sessions, tuned, target)
            return report.sent / (time.perf_counter() - start)

        for connections in (4, 8, 16):
            turns = sorted((b / a, b, a) for a, b in
                           ((raw(connections), remiss(connections)) for _ in range(repeat)))  # fmt: skip
            ratio, rate, baseline = turns[len(turns) // 2]
            print(f"{connections:2d} connections: remiss (claim+send+record) {rate:6.0f} msg/s, "
                  f"raw aiosmtplib {baseline:6.0f} msg/s; ratios "
                  f"{' '.join(f'{t[0]:.2f}' for t in turns)}", flush=True)  # fmt: skip
        result("delivery-16", rate, baseline, ratio, "msg/s")

        start = time.perf_counter()
        queue(app, n, "queue")
        rate = n / (time.perf_counter() - start)
        print(f"queueing (render MIME + insert into the outbox): {rate:.0f} msg/s "
              f"({rate / baseline:.2f}× raw sending over 16)")  # fmt: skip
    finally:
        server.terminate()
        server.wait()
        app.close()


if __name__ == "__main__":
    main()
