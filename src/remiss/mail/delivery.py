"""Delivering the outbox over SMTP: a few reused connections, each message recorded as
soon as the server has accepted it.

A deliverer claims only a small window of messages ahead of its connections (eight
times as many as it has, the next claim made while half are still queued, so that no
connection waits for it), so what it holds is always about to be sent, well within
its lease. Outcomes are written by one recorder in small groups as they arrive (it
waits up to 50 ms for half as many as there are connections), a write at least once
a minute also renewing the lease on what is still held; a crash therefore re-sends
at most the messages that were on the wire, or accepted but not yet written (a
handful). A server that cannot be reached fails nobody: the messages wait (see
``claims``). Only the server's own permanent refusal of a recipient fails a message.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any

import aiosmtplib
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from remiss.core.clock import now
from remiss.core.settings import Settings
from remiss.mail.claims import RENEW_EVERY, Claimed, DeliveryReport, Outcome, claim, record
from remiss.mail.smtp import Connection, SmtpTarget, classify, send

Item = Claimed
# How long outcomes may wait to be written together (a crash may re-send what waits).
GATHER = 0.05


class _Run:
    """One pass over the outbox: claim a window, send, record as outcomes arrive."""

    def __init__(self, factory: sessionmaker[Session], sender: str, connections: int) -> None:
        # Claims and outcomes are Core statements: a bare connection, no Session.
        self.engine: Engine = factory.kw["bind"]
        self.sender = sender
        # Claimed ahead of the connections: a new claim starts while the queue still
        # holds what keeps every connection busy.
        self.window = 8 * connections
        self.low = 4 * connections
        self.filling: asyncio.Task[None] | None = None
        self.token = uuid.uuid4().hex
        self.renewed = now()  # the lease on what this run holds, last restarted
        self.queue: asyncio.Queue[Item] = asyncio.Queue()
        self.unrecorded: list[Outcome] = []
        self.arrived = asyncio.Event()
        # Outcomes written together: enough to make a write worth it, few enough that a
        # crash re-sends only a handful.
        self.gathered = asyncio.Event()
        self.gather = max(1, connections // 2)
        # On the wire, or accepted but not yet written: at most twice as many as there are
        # connections. A connection waits for the recorder before a message beyond that,
        # so what a crash re-sends stays bounded however slow the database is just then.
        self.unwritten_most = 2 * connections
        self.writing = 0
        self.written = asyncio.Event()
        self.recorder_failed = False
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

    def _claim(self, limit: int) -> list[Item]:
        with self.engine.begin() as connection:
            return claim(connection, limit, self.token)

    def _record(self, outcomes: list[Outcome]) -> DeliveryReport:
        with self.engine.begin() as connection:
            # Everything held was claimed or renewed less than RENEW_EVERY ago, or is now.
            moment = now()
            renew = moment - self.renewed >= RENEW_EVERY
            if renew:
                self.renewed = moment
            return record(connection, outcomes, self.token, renew=renew)

    async def next_item(self) -> Item | None:
        while not self.server_down:
            if len(self.unrecorded) + self.writing + self.in_flight >= self.unwritten_most:
                if self.recorder_failed:
                    return None  # nothing more is sent that could not be written
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
            self.filling.result()  # a claim that failed fails the run
            self.filling = None
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
        items = await self._in_db(self._claim, want)
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

    async def worker(self, connection: Connection) -> None:
        while (item := await self.next_item()) is not None:
            try:
                client = await connection.ensure()
                await send(client, self.sender, item[2], item[3])
                self.done(Outcome(item[0], item[1] + 1, ok=True))
            except Exception as exc:  # every failure is recorded on its message
                outcome = classify(exc, item)
                if outcome.unreachable:
                    self.server_down = True
                self.done(outcome)
                if not isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
                    await connection.close()

    async def recorder(self) -> None:
        try:
            await self._record_as_they_arrive()
        except BaseException:
            self.recorder_failed = True
            self.written.set()  # no connection waits for a write that will not come
            raise

    async def _record_as_they_arrive(self) -> None:
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
                    self.report.add(await self._in_db(self._record, batch))
                finally:
                    self.writing = 0
                    self.written.set()
            if self.finished:
                return

    def release(self) -> None:
        """Claimed but not tried because the server is gone: they wait like the rest."""
        while not self.queue.empty():
            mid, attempts, *_ = self.queue.get_nowait()
            self.unrecorded.append(
                Outcome(mid, attempts, unreachable=True, error="E-postservern svarade inte")
            )
        self.arrived.set()


async def deliver_async(
    factory: sessionmaker[Session],
    target: SmtpTarget,
    sender: str,
    *,
    connections: int = 8,
) -> DeliveryReport:
    """Send every due message over ``connections`` reused connections; return what happened."""
    report = DeliveryReport()
    pool = [Connection(target) for _ in range(max(1, connections))]
    try:
        while True:
            run = _Run(factory, sender, len(pool))
            recorder = asyncio.create_task(run.recorder())
            try:
                await asyncio.gather(*(run.worker(c) for c in pool))
                if run.filling is not None:
                    await run.filling  # what it claims is released with the rest
                run.release()
            finally:
                run.finished = True
                run.arrived.set()
                run.gathered.set()
                await recorder
                run.db.shutdown(wait=True)
            report.add(run.report)
            # Another pass only if this one worked: new mail may have been queued meanwhile.
            if run.server_down or run.handled == 0:
                return report
    finally:
        for connection in pool:
            await connection.close()


def deliver(
    factory: sessionmaker[Session], settings: Settings, target: SmtpTarget
) -> DeliveryReport:
    """Synchronous entry point for the shells."""
    job = deliver_async(factory, target, settings.mail_from, connections=settings.smtp_connections)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    # Called from code that already runs an event loop in this thread: use a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, job).result()
