"""A slow server never lets a second deliverer take over, and send again, what is in hand."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from remiss.app import App, deliver_outbox
from remiss.core import clock
from tests.faults.conftest import queue_many, tally
from tests.faults.figures import report
from tests.mailcatcher import MailCatcher, RunningCatcher

MESSAGES = 200


class SlowServer(MailCatcher):
    """Each message takes half a minute (an SMTP timeout's worth) on one of eight connections.

    So the shared clock moves 30 s for every eight messages: 200 of them take 12.5 minutes,
    longer than a claim's 10-minute lease.
    """

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        clock.set_now(clock.now() + timedelta(seconds=30) / 8)
        return await super().handle_DATA(server, session, envelope)


def test_a_second_deliverer_eleven_minutes_on_sends_nothing_twice(app: App) -> None:
    queue_many(app, MESSAGES)
    running = RunningCatcher(catcher=SlowServer())
    with running as catcher:
        target = running.target
        first = threading.Thread(target=deliver_outbox, args=(app, target))
        first.start()
        # Eleven minutes into the first deliverer's work, a second one starts.
        catcher.wait_for(lambda: len(catcher.received) >= 176, "eleven minutes of mail", 60)
        second = threading.Thread(target=deliver_outbox, args=(app, target))
        second.start()
        first.join(timeout=120)
        second.join(timeout=120)
        received = [r.envelope_to for r in catcher.received]
    delivered, lost, duplicated = tally(received, MESSAGES)
    report(f"lease-{app.engine.dialect.name}", tried=MESSAGES, delivered=delivered, lost=lost,
           duplicated=duplicated)  # fmt: skip
    assert (lost, duplicated) == (0, 0)
