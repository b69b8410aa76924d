"""A relay's limits hold back a connection or a message, never the whole delivery.

Two real SMTP servers (aiosmtpd) with a relay's habits: one that takes three connections
at a time and greets any more with Postfix's ``421 4.7.0 too many connections``, one that
answers 421 to some recipients and drops the connection in the middle of some messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from sqlalchemy import select

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Message
from remiss.mail.sink import free_port
from remiss.mail.smtp import SmtpTarget
from tests.faults.conftest import queue_many, tally
from tests.faults.figures import report
from tests.mailcatcher import MailCatcher


@dataclass
class CrowdedRelay(MailCatcher):
    """Takes at most ``most`` connections at once; any more it greets with 421 and closes."""

    most: int = 3
    live: int = 0
    peak: int = 0
    turned_away: int = 0


class _Session(SMTP):
    """aiosmtpd's session, counted against the relay's limit before it greets."""

    async def _handle_client(self) -> None:
        relay = self.event_handler
        if not isinstance(relay, CrowdedRelay):
            return await super()._handle_client()
        if relay.live >= relay.most:
            relay.turned_away += 1
            await self.push("421 4.7.0 too many connections")
            assert self.transport is not None
            self.transport.close()
            return None
        relay.live += 1
        relay.peak = max(relay.peak, relay.live)
        try:
            return await super()._handle_client()
        finally:
            relay.live -= 1  # the session ended: the client quit, or it was dropped


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Session(self.handler, **self.SMTP_kwargs)


@contextmanager
def running(relay: MailCatcher) -> Iterator[SmtpTarget]:
    controller = _Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpTarget(host="127.0.0.1", port=controller.port)
    finally:
        controller.stop()


def test_a_relay_that_takes_three_connections_gets_all_300_messages_in_one_delivery(
    app: App,
) -> None:
    messages = 300
    queue_many(app, messages)
    relay = CrowdedRelay(most=3)
    assert app.settings.smtp_connections == 8  # remiss's default, more than the relay takes
    with running(relay) as target:
        delivered_now = deliver_outbox(app, target)
    received = [r.envelope_to for r in relay.received]
    delivered, lost, duplicated = tally(received, messages)
    report(f"relay-limit-{app.engine.dialect.name}", tried=messages, delivered=delivered,
           lost=lost, duplicated=duplicated)  # fmt: skip
    assert (delivered, lost, duplicated) == (messages, 0, 0)
    assert (delivered_now.sent, delivered_now.waiting, delivered_now.retrying) == (messages, 0, 0)
    assert relay.peak == 3 and relay.turned_away >= 5
    assert statuses(app) == {("sent", 1): messages}


def number(address: str) -> int:
    """person17@example.org -> 17"""
    return int(address.split("@")[0].removeprefix("person"))


@dataclass
class PickyRelay(MailCatcher):
    """While ``refusing``: 421 to every tenth person at RCPT (0, 10, …), and every tenth
    from the fifth (5, 15, …) has its connection dropped after DATA, before any answer."""

    refusing: bool = True

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refusing and number(address) % 10 == 0:
            return "421 4.7.0 Try again later"
        return await super().handle_RCPT(server, session, envelope, address, options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing and number(envelope.rcpt_tos[0]) % 10 == 5:
            server.transport.close()  # the message is not kept: nothing was delivered
            return "451 4.3.0 never heard"
        return await super().handle_DATA(server, session, envelope)


def test_a_relay_refusing_some_recipients_and_dropping_some_messages_defers_only_those(
    app: App,
) -> None:
    messages = 100
    queue_many(app, messages)
    relay = PickyRelay()
    held_back = {f"person{i}@example.org" for i in range(messages) if i % 10 in (0, 5)}
    with running(relay) as target:
        first = deliver_outbox(app, target)
        # Everyone else went in this one delivery; the twenty wait their backoff, one
        # attempt counted, and nothing waits for "the server".
        assert (first.sent, first.retrying, first.failed, first.waiting) == (80, 20, 0, 0)
        assert statuses(app) == {("sent", 1): 80, ("pending", 1): 20}
        with app.sessions() as s:
            pending = s.scalars(select(Message).where(Message.status == "pending")).all()
        assert {m.recipient for m in pending} == held_back
        assert all(m.next_attempt_at > clock.now() and m.waiting_since is None for m in pending)
        errors = {(m.last_error or "")[:3] for m in pending}
        assert errors == {"421", "SMT"}, errors  # the server's answer, or the dropped line

        relay.refusing = False
        assert deliver_outbox(app, target).sent == 0  # not before the backoff
        clock.set_now(clock.now() + timedelta(seconds=30))
        second = deliver_outbox(app, target)
    assert second.sent == 20
    received = [r.envelope_to for r in relay.received]
    delivered, lost, duplicated = tally(received, messages)
    report(f"relay-refusals-{app.engine.dialect.name}", tried=messages, delivered=delivered,
           lost=lost, duplicated=duplicated)  # fmt: skip
    assert (delivered, lost, duplicated) == (messages, 0, 0)
    assert statuses(app) == {("sent", 1): 80, ("sent", 2): 20}


def statuses(app: App) -> dict[tuple[str, int], int]:
    """How many messages are in each (status, attempts)."""
    with app.sessions() as s:
        rows = s.execute(select(Message.status, Message.attempts)).tuples().all()
    counted: dict[tuple[str, int], int] = {}
    for row in rows:
        counted[row] = counted.get(row, 0) + 1
    return counted
