"""Mail queued by a command run with a clock far ahead is sent at the real time, not then."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Message
from remiss.core.states import MessageStatus
from tests.faults.conftest import queue_many
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run
from tests.web.conftest import open_round


def test_mail_queued_with_the_clock_years_ahead_goes_at_the_next_delivery(
    app: App, smtp: RunningCatcher
) -> None:
    with clock.frozen_at(datetime(2031, 1, 1, tzinfo=UTC)):  # `reminders send --now 2031-…`
        queue_many(app, 3, prefix="ahead")
    report = deliver_outbox(app)  # at the test's own time, years before
    assert report.sent == 3
    assert len(smtp.catcher.received) == 3


def test_round_status_shows_mail_to_be_tried_again_later(
    remiss: CliRunner, sample_directory: App, smtp: RunningCatcher
) -> None:
    round_id = open_round(sample_directory)
    # The server answered "try later" for two of the round's messages (as a 4xx does).
    with sample_directory.transaction() as session:
        messages = session.scalars(select(Message).where(Message.round_id == round_id)).all()
        assert len(messages) >= 2
        for message in messages[:2]:
            message.status = MessageStatus.PENDING
            message.next_attempt_at = datetime(2026, 2, 16, 9, 30, tzinfo=UTC)
    code, out, _ = run(remiss, "round", "status", "NHV-TEST-1")
    assert code == 0
    assert "E-post som försöks igen senare: 2 meddelanden, nästa försök 16 februari 2026" in out
