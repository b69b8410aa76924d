"""Mail queued by a command run with a clock far ahead is sent at the real time, not then."""

from __future__ import annotations

from datetime import UTC, datetime

from remiss.app import App, deliver_outbox
from remiss.core import clock
from tests.faults.conftest import queue_many
from tests.mailcatcher import RunningCatcher


def test_mail_queued_with_the_clock_years_ahead_goes_at_the_next_delivery(
    app: App, smtp: RunningCatcher
) -> None:
    with clock.frozen_at(datetime(2031, 1, 1, tzinfo=UTC)):  # `reminders send --now 2031-…`
        queue_many(app, 3, prefix="ahead")
    report = deliver_outbox(app)  # at the test's own time, years before
    assert report.sent == 3
    assert len(smtp.catcher.received) == 3
