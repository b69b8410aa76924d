"""A worker between looks is woken by mail queued (PostgreSQL's LISTEN/NOTIFY), not by mail
rolled back, keeps listening after the database dropped its listener, and stops when told
even in the middle of a long wait."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from remiss.app import App
from remiss.mail import outbox
from remiss.mail.catalogue import Email
from remiss.mail.rendering import OutgoingEmail
from remiss.usecases.wakeup import Alarm
from remiss.usecases.worker import Worker
from tests.faults.conftest import queue_many
from tests.mailcatcher import RunningCatcher

AN_HOUR = 3600.0


@pytest.fixture
def alarm(app: App) -> Iterator[Alarm]:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; on SQLite a worker only looks")
    listening = Alarm(app.engine)
    assert listening.listen()
    yield listening
    listening.close()


def test_mail_committed_wakes_a_listener_that_would_wait_an_hour(app: App, alarm: Alarm) -> None:
    queue_many(app, 3)  # one transaction: one notification
    assert alarm.wait(threading.Event(), AN_HOUR)
    assert not alarm.wait(threading.Event(), 0)  # the three messages woke it once


def test_mail_rolled_back_wakes_nobody(app: App, alarm: Alarm) -> None:
    message = OutgoingEmail(to="a@example.org", subject="Hej", text="Hej\n", html="<p>Hej</p>")
    with pytest.raises(RuntimeError), app.transaction() as s:
        outbox.queue(s, app.settings, key="rolled-back", email=Email("fault", message))
        raise RuntimeError("the action failed: its mail is not queued either")
    assert not alarm.wait(threading.Event(), 0)


def test_a_listener_the_database_dropped_is_opened_again(app: App, alarm: Alarm) -> None:
    pid = alarm.connection.info.backend_pid
    with app.engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert not alarm.wait(threading.Event(), 1.0)  # gone: this wait only waits
    assert alarm.connection is None
    assert alarm.listen()  # as the next wait does
    listener: Any = alarm.connection
    assert listener.info.backend_pid != pid
    queue_many(app, 1)
    assert alarm.wait(threading.Event(), AN_HOUR)


def test_a_worker_waiting_an_hour_for_mail_stops_when_told(alarm: Alarm) -> None:
    stop = threading.Event()
    threading.Thread(target=stop.set).start()
    assert not alarm.wait(stop, AN_HOUR)


def test_a_standing_worker_listens_once_at_work_and_sends_what_is_queued(
    app: App, smtp: RunningCatcher, alarm: Alarm
) -> None:
    worker = Worker(app, smtp.target, poll=AN_HOUR)
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=worker.run, args=(stop,), kwargs={"beat": False, "ready": ready.set}
    )
    thread.start()
    try:
        assert ready.wait(30)
        assert worker.alarm.connection is not None  # listening before it said it was at work
        queue_many(app, 5)
        smtp.catcher.wait_for(lambda: len(smtp.catcher.received) == 5, "5 messages", 60)
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()
