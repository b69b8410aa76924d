"""Delivery throughput: remiss's deliverer against plain smtplib, same sink, same process.

Prints messages per second and ratios against the baseline (one smtplib connection
reused for every message), and ``delivery-16: rate baseline ratio`` for 16 connections.
No assertions: run it with `make bench`.

    .venv/bin/python bench/delivery.py [N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import database_url, drop_created, result, wait_for

from remiss.app import App
from remiss.core.db import upgrade
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
        from sqlalchemy import select

        from remiss.core.models import Message

        return list(s.scalars(select(Message.raw).where(Message.kind == "bench").limit(n)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--postgres", metavar="URL", help="queue on PostgreSQL (else SQLite)")
    args = parser.parse_args()
    try:
        run(args.n, args.postgres)
    finally:
        drop_created()


def run(n: int, postgres: str | None) -> None:
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
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for i, raw in enumerate(raws):
                client.sendmail(settings.mail_from, [f"person{i}@example.org"], raw)
        baseline = n / (time.perf_counter() - start)
        print(f"baseline  smtplib, one reused connection: {baseline:8.0f} msg/s")

        from sqlalchemy import update

        from remiss.core.models import Message

        for connections in (4, 8, 16):
            with app.transaction() as s:
                s.execute(update(Message).values(status="pending", raw=raws[0]))
            tuned = settings.model_copy(update={"smtp_connections": connections})
            start = time.perf_counter()
            report = deliver(app.sessions, tuned, SmtpTarget(host="127.0.0.1", port=port))
            rate = report.sent / (time.perf_counter() - start)
            print(
                f"remiss    {connections:2d} connections, claim+send+record: {rate:8.0f} msg/s "
                f"({rate / baseline:.2f}× baseline)"
            )
        result("delivery-16", rate, baseline, rate / baseline, "msg/s")

        start = time.perf_counter()
        queue(app, n, "queue")
        rate = n / (time.perf_counter() - start)
        print(f"queueing  render MIME + insert into the outbox:  {rate:8.0f} msg/s "
              f"({rate / baseline:.2f}× baseline)")  # fmt: skip
    finally:
        server.terminate()
        server.wait()
        app.close()


if __name__ == "__main__":
    main()
