"""The standing worker (``remiss worker``) as a real process beside real commands.

A command that finds a worker alive leaves its mail to it; a launch killed with SIGKILL
leaves the worker to send what was committed, and running the file again finishes the
round, nobody invited twice. A worker stopped with SIGTERM says so and leaves no beat; one
killed leaves a beat that goes stale, and a command then delivers inline again. Real
processes, a real SMTP server.
"""

from __future__ import annotations

import select
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select as query

from remiss.app import App
from remiss.cli.shell import BY_WORKER
from remiss.core import clock
from remiss.core.models import Invitation, WorkerBeat
from remiss.usecases import beats
from tests.faults.conftest import remiss_env
from tests.launching import ROUND, seed_people
from tests.mailcatcher import RunningCatcher

PEOPLE = 3000
REMISS = str(Path(sys.executable).with_name("remiss"))


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    """``remiss worker``, returned once it says it is at work (its beat is in)."""
    worker = subprocess.Popen(
        [REMISS, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert worker.stderr is not None
    readable, _, _ = select.select([worker.stderr], [], [], 60)
    assert readable, "the worker never said it was at work"
    assert "Arbetaren körs" in worker.stderr.readline()
    return worker


def received_once(smtp: RunningCatcher) -> Counter[str]:
    return Counter(to for r in smtp.catcher.received for to in r.envelope_to)


def worker_alive(app: App) -> bool:
    with app.sessions() as session:
        return beats.alive(session)


def test_a_killed_launch_leaves_the_worker_to_send_what_was_committed(
    app: App, smtp: RunningCatcher, tmp_path: Path
) -> None:
    seed_people(app, PEOPLE)
    (tmp_path / "r.yaml").write_text(ROUND)
    env = remiss_env(app, tmp_path, smtp.port)
    command = [
        REMISS, "round", "open", str(tmp_path / "r.yaml"),
        "--now", clock.now().isoformat(), "--allow-past",
    ]  # fmt: skip
    worker = start_worker(env)
    try:
        launching = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            smtp.catcher.wait_for(lambda: len(smtp.catcher.received) >= 50, "50 invitations", 120)
        finally:
            launching.send_signal(signal.SIGKILL)
            launching.wait(timeout=30)
        assert launching.returncode == -signal.SIGKILL
        with app.sessions() as session:
            invited = session.scalar(query(func.count(Invitation.id)))
        assert invited is not None and 0 < invited < PEOPLE, "the launch finished before the kill"

        # The worker sends what was committed, each once.
        smtp.catcher.wait_for(lambda: len(received_once(smtp)) >= invited, "the committed", 120)
        assert set(received_once(smtp).values()) == {1}

        # Run again: the round is finished, its mail left to the worker; nobody twice.
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert BY_WORKER in done.stdout
        smtp.catcher.wait_for(lambda: len(received_once(smtp)) >= PEOPLE, "everyone", 120)
        assert len(received_once(smtp)) == PEOPLE and set(received_once(smtp).values()) == {1}
    finally:
        worker.send_signal(signal.SIGTERM)
        _, said = worker.communicate(timeout=60)
    assert worker.returncode == 0, said
    assert "Arbetaren stoppad" in said
    with app.sessions() as session:
        assert session.scalar(query(func.count()).select_from(WorkerBeat)) == 0


def test_a_killed_worker_is_taken_as_gone_once_its_beat_is_stale(
    app: App, smtp: RunningCatcher, tmp_path: Path
) -> None:
    worker = start_worker(remiss_env(app, tmp_path, smtp.port))
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    real = datetime.now(UTC)
    clock.set_now(real)
    assert worker_alive(app), "its beat is fresh: commands leave their mail to it"
    clock.set_now(real + beats.FRESH + timedelta(seconds=3))
    assert not worker_alive(app), "a beat this old is a worker that is gone"
