"""Delivering the outbox over SMTP: a few reused connections, each message recorded as
soon as the server has accepted it.

A deliverer claims only a small window of messages ahead of its connections (eight
times as many as it has, the next claim made while half are still queued, so that no
connection waits for it), so what it holds is always about to be sent, well within
its lease. Outcomes are written by one recorder in small groups as they arrive (it
waits up to 50 ms for half as many as there are connections), a write at least once
a minute also renewing the lease on what is still held; a crash therefore re-sends
at most the messages that were on the wire, or accepted but not yet written (never more
than twice the connections). Once a write has failed no connection takes another
message: what is unwritten stays within that bound, and the run ends with the error.

A connection the server does not take (refused, dropped and not taken back, a greeting
such as Postfix's ``421 4.7.0 too many connections``) is put aside for the rest of the
call, its message handed to the others: a relay that allows three connections gets
three. Only when no connection is left, nothing answering at all, do the messages wait
for the server (see ``claims``), and nobody is failed for it. A "try later" on one
message, or its connection dropped mid-message, is retried after a backoff (``smtp``);
only the server's own permanent refusal of a recipient fails a message.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from remiss.core.settings import Settings
from remiss.mail.claims import Claimed, DeliveryReport, Desk, Outcome
from remiss.mail.replies import return_address
from remiss.mail.smtp import Connection, SmtpTarget, classify, describe, keeps_connection, send

Item = Claimed
# How long outcomes may wait to be written together (a crash may re-send what waits).
GATHER = 0.05


class _Run:
    """One pass over the outbox: claim a window, send, record as outcomes arrive."""

    def __init__(self, factory: sessionmaker[Session], sender: str, pool: list[Connection]) -> None:
        # Claims and outcomes: Core statements on a connection of the database thread's.
        self.desk = Desk(factory.kw["bind"])
        self.sender = sender
        self.return_domain: str | None = None  # set: each its own retur+ sender (VERP)
        self.pool = pool
        connections = len(pool)
        # Connections the server did not take, put aside, and the last reason why.
        self.resting: list[Connection] = []
        self.refusal = ""
        # Claimed ahead of the connections: a new claim starts while the queue still
        # holds what keeps every connection busy.
        self.window = 8 * connections
        self.low = 4 * connections
        self.filling: asyncio.Task[None] | None = None
        self.queue: asyncio.Queue[Item] = asyncio.Queue()
        self.unrecorded: list[Outcome] = []
        self.arrived = asyncio.Event()
        # Outcomes written together: enough to make a write worth it, few enough that a
        # crash re-sends only a handful.
        self.gathered = asyncio.Event()
        self.gather = max(1, connections // 2)
        # On the wire, or accepted but not yet written: at most twice as many as there are
        # connections. A connection waits for the recorder before a message beyond that,
        # so what a crash re-sends stays bounded however slow the database is just then. A
        # write that failed stays counted: nothing written, and nothing more sent.
        self.unwritten_most = 2 * connections
        self.writing = 0
        self.written = asyncio.Event()
        self.failure: Exception | None = None  # the database's, which ends the run
        self.in_flight = 0
        self.exhausted = False
        self.server_down = False
        self.finished = False
        self.report = DeliveryReport()
        self.handled = 0
        # One thread for the database: writes never block the sending, and never overlap.
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")

    async def _in_db(self, func: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.db, func, *args)

    async def next_item(self) -> Item | None:
        # Checked before every message: once a claim or a write failed, none more is sent.
        while self.failure is None and not self.server_down:
            if len(self.unrecorded) + self.writing + self.in_flight >= self.unwritten_most:
                self.written.clear()
                await self.written.wait()
                continue
            if not self.queue.empty():
                self.in_flight += 1
                item = self.queue.get_nowait()
                if self.queue.qsize() < self.low and not self.exhausted:
                    self._refill()  # the next claim runs while these are sent
                return item
            if self.exhausted:
                return None
            await self._refill()
        return None

    def _refill(self) -> asyncio.Task[None]:
        """The claim under way, or a new one: one at a time, however many workers ask."""
        if self.filling is not None and self.filling.done():
            self.filling = None  # a claim that failed is the run's ``failure``
        if self.filling is None:
            self.filling = asyncio.create_task(self._fill())
        return self.filling

    async def _fill(self) -> None:
        """Claim up to the window; fewer than asked for: nothing more is due."""
        if self.exhausted or self.server_down:
            return
        want = self.window - self.in_flight - self.queue.qsize()
        if want <= 0:
            return
        try:
            items = await self._in_db(self.desk.claim, want)
        except Exception as exc:
            self._fail(exc)
            return
        for item in items:
            self.queue.put_nowait(item)
        if len(items) < want:
            self.exhausted = True

    def done(self, outcome: Outcome) -> None:
        self.in_flight -= 1
        self.handled += 1
        self.unrecorded.append(outcome)
        self.arrived.set()
        if len(self.unrecorded) >= self.gather:
            self.gathered.set()

    def _fail(self, exc: Exception) -> None:
        """The database failed: no connection takes another message, none waits for a write."""
        if self.failure is None:
            self.failure = exc
        self.written.set()

    def _rest(self, connection: Connection, item: Item, exc: Exception) -> None:
        """The server did not take ``connection``: its message, untried, goes to the others."""
        self.in_flight -= 1
        self.queue.put_nowait(item)
        self.resting.append(connection)
        self.refusal = describe(exc)
        if len(self.resting) == len(self.pool):
            self.server_down = True  # nothing answers at all: everything waits
        self.written.set()

    async def worker(self, connection: Connection) -> None:
        while (item := await self.next_item()) is not None:
            try:
                client = await connection.ensure()
            except Exception as exc:
                self._rest(connection, item, exc)
                return
            try:
                sender = return_address(self.return_domain, item.return_key, self.sender)
                await send(client, sender, item.recipient, item.raw)
            except Exception as exc:  # every failure is recorded on its message
                self.done(classify(exc, item))
                if not keeps_connection(exc):
                    await connection.close()  # the next message opens a new one
            else:
                self.done(Outcome(item.id, item.attempts + 1, ok=True))

    async def recorder(self) -> None:
        while True:
            await self.arrived.wait()
            # A moment for more outcomes to join this write, until half as many as there are
            # connections are in: a write per several messages, not one per message.
            if not self.finished:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.gathered.wait(), GATHER)
            self.arrived.clear()
            self.gathered.clear()
            # Whatever arrived while the last write ran goes in the next one: small groups.
            while self.unrecorded:
                batch, self.unrecorded = self.unrecorded, []
                self.writing = len(batch)
                try:
                    self.report.add(await self._in_db(self.desk.record, batch))
                except Exception as exc:
                    # Unwritten, and counted so until the run ends (``writing`` stays).
                    self._fail(exc)
                    return
                self.writing = 0
                self.written.set()
            if self.finished:
                return

    def release(self) -> None:
        """Claimed but not tried because no connection is left: they wait like the rest."""
        error = f"E-postservern tog inte emot någon anslutning ({self.refusal})"
        while not self.queue.empty():
            mid, attempts, *_ = self.queue.get_nowait()
            self.unrecorded.append(Outcome(mid, attempts, unreachable=True, error=error))
        self.arrived.set()

    async def go(self) -> None:
        """Send until nothing is due or nothing can be sent; raise the database's failure."""
        recorder = asyncio.create_task(self.recorder())
        try:
            while True:
                resting = len(self.resting)
                await asyncio.gather(*(self.worker(c) for c in self.pool if c not in self.resting))
                # A connection put aside may hand its message back after the others found
                # nothing more to do: those still working take it. Each round puts one more
                # aside, or is the last.
                if self.failure is not None or self.server_down or self.queue.empty():
                    break
                if len(self.resting) == resting:
                    break
            if self.filling is not None:
                await self.filling  # what it claims is released with the rest
            if self.server_down:
                self.release()
        finally:
            self.finished = True
            self.arrived.set()
            self.gathered.set()
            await recorder
            with suppress(Exception):  # a connection the database dropped is closed anyway
                await self._in_db(self.desk.close)
            self.db.shutdown(wait=True)
        if self.failure is not None:
            # What it held and did not send is taken over when its lease runs out.
            raise self.failure


async def deliver_async(
    factory: sessionmaker[Session],
    target: SmtpTarget,
    sender: str,
    *,
    connections: int = 8,
    return_domain: str | None = None,
) -> DeliveryReport:
    """Send every due message over ``connections`` reused connections; return what happened."""
    report = DeliveryReport()
    every = [Connection(target) for _ in range(max(1, connections))]
    pool = every
    try:
        while True:
            run = _Run(factory, sender, pool)
            run.return_domain = return_domain
            await run.go()
            report.add(run.report)
            # Another pass only if this one worked: new mail may have been queued meanwhile.
            if run.server_down or run.handled == 0:
                return report
            # A connection the server did not take stays aside for the rest of this call.
            pool = [c for c in pool if c not in run.resting]
    finally:
        for connection in every:
            await connection.close()


def deliver(
    factory: sessionmaker[Session], settings: Settings, target: SmtpTarget
) -> DeliveryReport:
    """Synchronous entry point for the shells."""
    connections, domain = settings.smtp_connections, settings.inbound_domain
    job = deliver_async(
        factory, target, settings.mail_from, connections=connections, return_domain=domain
    )
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    # Called from code that already runs an event loop in this thread: use a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, job).result()
