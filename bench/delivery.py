"""Delivery throughput: remiss's deliverer against plain smtplib, same sink, same process.

Prints messages per second and ratios against the baseline (one smtplib connection
reused for every message). No assertions: run it with `make bench`.
"""

from __future__ import annotations

import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from remiss.app import App
from remiss.core.db import upgrade
from remiss.core.settings import Settings
from remiss.mail import outbox
from remiss.mail import rendering as emails
from remiss.mail.catalogue import Email
from remiss.mail.delivery import SmtpTarget, deliver
from remiss.mail.sink import free_port

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the SMTP server did not start")


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
    folder = Path(tempfile.mkdtemp(prefix="remiss-bench-"))
    settings = Settings(_env_file=None, data_dir=folder)  # type: ignore[call-arg]
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
        raws = queue(app, N, "baseline")
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for i, raw in enumerate(raws):
                client.sendmail(settings.mail_from, [f"person{i}@example.org"], raw)
        baseline = N / (time.perf_counter() - start)
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

        start = time.perf_counter()
        queue(app, N, "queue")
        rate = N / (time.perf_counter() - start)
        print(f"queueing  render MIME + insert into the outbox:  {rate:8.0f} msg/s "
              f"({rate / baseline:.2f}× baseline)")  # fmt: skip
    finally:
        server.terminate()
        server.wait()
        app.close()


if __name__ == "__main__":
    main()
