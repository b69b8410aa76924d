"""A deliverer in a process of its own, fed by the process issuing the mail.

Opening a large round is two kinds of work: issuing invitations (rendering, inserting)
and sending them (SMTP, recording each outcome). In one process both share one
interpreter lock, so one core; here the sending runs in a child process (the
courier) and each has a core. They speak over the child's standard streams, a line
at a time:

- to the courier: its configuration (one JSON line), then ``committed N`` for each
  batch committed to the outbox, then ``close`` when nothing more will be queued;
- from the courier: ``handled N`` as messages are dealt with, then ``report {…}``
  (what became of them) or ``error …``.

If the issuing process dies, the courier reads the end of its input, sends what was
committed and stops; if the courier dies, the issuing process stops waiting for it
and the messages it did not send wait in the outbox like any others. Nothing here
decides what is sent: the outbox's claims do, as for every deliverer.

    python -m remiss.mail.courier        (started by ``Courier.start``, not by hand)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import traceback
from dataclasses import asdict
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Protocol

from remiss.core import clock
from remiss.core.errors import RemissError
from remiss.mail.feed import Feed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from remiss.mail.claims import DeliveryReport
    from remiss.mail.smtp import SmtpTarget

# Light to import (the database and SMTP modules load where they are used), so that a
# command can start its courier before it loads them itself: see ``warm``.
_COMMAND = [sys.executable, "-m", "remiss.mail.courier"]
_warm: subprocess.Popen[str] | None = None


class CourierFailed(RemissError):
    """The courier stopped without saying what it delivered: what was not sent waits."""

    def __init__(self, why: str) -> None:
        super().__init__(
            f"utskicket avbröts ({why}); det som inte hann skickas ligger kvar i utkorgen "
            "och går med nästa utskick (var 15:e minut med remiss serve, eller "
            "remiss reminders send)"
        )


class Delivering(Protocol):
    """A deliverer running beside the producer, seen from the producer's side."""

    def wait_for_room(self) -> None: ...
    def committed(self, messages: int) -> None: ...
    def close(self) -> None: ...
    def result(self) -> DeliveryReport: ...


def start(
    factory: sessionmaker[Session],
    target: SmtpTarget,
    sender: str,
    connections: int,
    feed: Feed,
) -> Delivering:
    """A deliverer fed by ``feed``: a courier process, or a thread for an in-memory database."""
    url = factory.kw["bind"].url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return InThread(factory, target, sender, connections, feed)
    return Courier.start(factory, target, sender, connections, feed)


def warm() -> int:
    """Start a courier now, to be given its work by the next ``start`` in this process;
    its process id.

    A command that will launch rounds calls this first thing: the courier's interpreter
    and imports then load on the other core while the command reads its file. A courier
    never given work reads the end of its input when this process exits, and stops.
    """
    global _warm
    if _warm is None:
        _warm = _spawn()
    return _warm.pid


def _spawn() -> subprocess.Popen[str]:
    return subprocess.Popen(
        _COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )


class InThread:
    """The deliverer in a thread of this process (another process cannot see the database)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        target: SmtpTarget,
        sender: str,
        connections: int,
        feed: Feed,
    ) -> None:
        self.feed = feed
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        from remiss.mail.delivery import deliver_async

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deliver")
        job = deliver_async(factory, target, sender, connections=connections, feed=feed)
        self._future = self._pool.submit(asyncio.run, job)

    def wait_for_room(self) -> None:
        self.feed.wait_for_room()

    def committed(self, messages: int) -> None:
        self.feed.committed(messages)

    def close(self) -> None:
        self.feed.close()

    def result(self) -> DeliveryReport:
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()


class Courier:
    """The issuing side of a courier process: the feed's batches to it, its progress back."""

    def __init__(self, process: subprocess.Popen[str], feed: Feed) -> None:
        self.process = process
        self.feed = feed
        self.report: DeliveryReport | None = None
        self.error: str | None = None
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="courier", daemon=True)
        self._reader.start()

    @classmethod
    def start(
        cls,
        factory: sessionmaker[Session],
        target: SmtpTarget,
        sender: str,
        connections: int,
        feed: Feed,
    ) -> Courier:
        """Start a courier delivering from ``factory``'s database as ``feed`` says."""
        frozen = clock.now() if clock.is_frozen() else None
        config = {
            "database_url": factory.kw["bind"].url.render_as_string(hide_password=False),
            "target": asdict(target),
            "sender": sender,
            "connections": connections,
            "now": frozen.isoformat() if frozen else None,
        }
        global _warm
        process, _warm = (_warm or _spawn()), None
        courier = cls(process, feed)
        courier._say(json.dumps(config))
        return courier

    # The producer's side, as on a Feed.

    def wait_for_room(self) -> None:
        self.feed.wait_for_room()

    def committed(self, messages: int) -> None:
        self.feed.committed(messages)
        self._say(f"committed {messages}")

    def close(self) -> None:
        self.feed.close()
        self._say("close")

    def result(self) -> DeliveryReport:
        """Wait for the courier to finish; what it delivered."""
        self.process.wait()
        self._reader.join()
        if self.report is None:
            raise CourierFailed(
                self.error or f"avsändaren avslutades med kod {self.process.returncode}"
            )
        return self.report

    def _say(self, line: str) -> None:
        assert self.process.stdin is not None
        with self._lock:
            try:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
                if line == "close":
                    self.process.stdin.close()
            except (BrokenPipeError, ValueError):
                pass  # the courier has stopped: the reader has told the feed

    def _read(self) -> None:
        from remiss.mail.claims import DeliveryReport

        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                word, _, rest = line.rstrip("\n").partition(" ")
                if word == "handled":
                    self.feed.handled(int(rest))
                elif word == "report":
                    self.report = DeliveryReport(**json.loads(rest))
                elif word == "error":
                    self.error = rest
        finally:
            self.feed.stopped()


class _RelayingFeed(Feed):
    """The courier's feed: fed from its input, its progress told on its output."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__()
        self.out: IO[str] | None = out

    def handled(self, messages: int = 1) -> None:
        super().handled(messages)
        self.tell(f"handled {messages}")

    def tell(self, line: str) -> None:
        """A line to the issuing process, unless it has gone (then nobody listens)."""
        if self.out is None:
            return
        try:
            self.out.write(line + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError):
            # Also what the interpreter flushes at exit goes nowhere, not to an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.out.fileno())
            self.out = None

    def listen(self, source: IO[str]) -> None:
        """Take the producer's batches from ``source`` until it closes or ends."""
        for line in source:
            word, _, rest = line.strip().partition(" ")
            if word == "committed":
                self.committed(int(rest))
            elif word == "close":
                break
        self.close()


def main() -> None:
    # Loaded before the configuration is read: a warm courier is ready when it comes.
    import asyncio

    from remiss.core.db import make_engine, session_factory
    from remiss.mail.delivery import deliver_async
    from remiss.mail.smtp import SmtpTarget

    line = sys.stdin.readline()
    if not line:
        return  # started ahead (``warm``) and never needed
    config: dict[str, Any] = json.loads(line)
    if config["now"]:
        clock.set_now(datetime.fromisoformat(config["now"]))
    feed = _RelayingFeed(sys.stdout)
    threading.Thread(target=feed.listen, args=(sys.stdin,), daemon=True).start()
    engine = make_engine(config["database_url"])
    target = SmtpTarget(**config["target"])
    job = deliver_async(
        session_factory(engine),
        target,
        config["sender"],
        connections=config["connections"],
        feed=feed,
    )
    try:
        report = asyncio.run(job)
    except Exception as exc:  # told to the issuing process, which raises it there
        traceback.print_exc()  # and the whole of it to the log
        feed.tell(f"error {type(exc).__name__}: {exc}")
        raise SystemExit(1) from exc
    finally:
        engine.dispose()
    feed.tell(f"report {json.dumps(asdict(report))}")


if __name__ == "__main__":
    main()
