"""The courier (the launch's deliverer in a process of its own) when either side dies.

A launching command killed with SIGKILL leaves its courier to send what was committed
and stop; a courier killed leaves the command to finish opening and say what happened,
the unsent invitations waiting in the outbox. Real processes, a real SMTP server.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select as query

from remiss.app import App, deliver_outbox
from remiss.core import clock
from remiss.core.models import Invitation, Message
from remiss.core.states import MessageStatus
from remiss.mail.claims import LEASE
from remiss.mail.courier import CourierFailed, warm
from remiss.rounds import spec as roundspec
from remiss.rounds.launch import launch
from tests.faults.conftest import remiss_env
from tests.launching import ROUND, CountingServer, seed_people
from tests.mailcatcher import RunningCatcher

PEOPLE = 3000


def couriers_of(pid: int) -> list[int]:
    """The courier processes ``pid`` started."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"remiss.mail.courier" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def wait_for_exit(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` (not necessarily our child) ends within ``timeout``."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([handle], [], [], timeout)
        return bool(readable)
    finally:
        os.close(handle)


def statuses(app: App) -> Counter[str]:
    with app.sessions() as s:
        rows = s.execute(query(Message.status, func.count()).group_by(Message.status)).all()
    return Counter({status: count for status, count in rows})


def test_a_killed_launch_leaves_its_courier_to_send_what_was_committed_and_stop(
    app: App, smtp: RunningCatcher, tmp_path: Path
) -> None:
    seed_people(app, PEOPLE)
    (tmp_path / "r.yaml").write_text(ROUND)
    env = remiss_env(app, tmp_path, smtp.port)
    command = [
        str(Path(sys.executable).with_name("remiss")), "round", "open", str(tmp_path / "r.yaml"),
        "--now", clock.now().isoformat(), "--allow-past",
    ]  # fmt: skip
    launching = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        smtp.catcher.wait_for(lambda: len(smtp.catcher.received) >= 50, "50 invitations", 120)
        [courier] = couriers_of(launching.pid)
    finally:
        launching.send_signal(signal.SIGKILL)
        launching.wait(timeout=30)
    assert launching.returncode == -signal.SIGKILL

    # Its input ended: the courier sends what was committed, then stops of itself.
    assert wait_for_exit(courier, 120), "the courier went on after its launch died"
    with app.sessions() as session:
        invited = session.scalar(query(func.count(Invitation.id)))
    assert invited is not None and 0 < invited < PEOPLE, "the launch finished before the kill"
    assert statuses(app) == {MessageStatus.SENT: invited}
    received = Counter(to for r in smtp.catcher.received for to in r.envelope_to)
    assert len(received) == invited and set(received.values()) == {1}

    # Run again, the round is finished: everyone invited, nobody twice.
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    received = Counter(to for r in smtp.catcher.received for to in r.envelope_to)
    assert len(received) == PEOPLE and set(received.values()) == {1}


class KillingServer(CountingServer):
    """Counts what arrives, and kills the courier sending it at the first message."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for courier in couriers_of(os.getpid()):
            os.kill(courier, signal.SIGKILL)
        return await super().handle_DATA(server, session, envelope)


def test_a_killed_courier_leaves_the_round_opened_and_the_rest_waiting_in_the_outbox(
    app: App,
) -> None:
    seed_people(app, 1000)
    killing = KillingServer(app)
    killing.controller.start()
    try:
        with pytest.raises(CourierFailed, match="ligger kvar i utkorgen"):
            launch(app.sessions, app.settings, roundspec.loads(ROUND, "r.yaml"), killing.target)
        with app.sessions() as session:
            assert session.scalar(query(func.count(Invitation.id))) == 1000
        assert statuses(app)[MessageStatus.PENDING] > 0

        # What the courier held when it died is taken over once its lease has run out.
        clock.set_now(clock.now() + LEASE + timedelta(minutes=1))
        deliver_outbox(app, killing.target)
    finally:
        killing.controller.stop()
    assert statuses(app) == {MessageStatus.SENT: 1000}
    assert len(killing.recipients) == 1000
    # Twice at most for what was on the wire when the courier died.
    assert sum(killing.recipients.values()) - 1000 <= app.settings.smtp_connections


def test_a_courier_started_ahead_is_the_one_the_launch_gives_its_work(app: App) -> None:
    seed_people(app, 50)
    ahead = warm()
    counting = CountingServer(app)
    counting.controller.start()
    try:
        launched = launch(
            app.sessions, app.settings, roundspec.loads(ROUND, "r.yaml"), counting.target
        )
    finally:
        counting.controller.stop()
    assert launched.delivery.sent == 50
    # Only work ends it before this process does: it was the one that delivered.
    assert wait_for_exit(ahead, 30), "the courier started ahead was left waiting"


def test_a_courier_started_ahead_and_never_needed_stops_quietly() -> None:
    # What a command that started one and then ran the flow elsewhere leaves behind.
    ended = subprocess.run(
        [sys.executable, "-m", "remiss.mail.courier"], input="", capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert (ended.returncode, ended.stdout, ended.stderr) == (0, "", "")
