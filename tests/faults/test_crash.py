"""A delivery process killed with SIGKILL mid-round re-sends at most what was on the wire."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from remiss.app import App, deliver_outbox
from remiss.core import clock
from tests.faults.conftest import queue_many, remiss_env, tally
from tests.faults.figures import report
from tests.mailcatcher import RunningCatcher

MESSAGES = 1000
CONNECTIONS = 4


def test_a_killed_deliverer_loses_nothing_and_resends_only_what_was_in_flight(
    app: App, smtp: RunningCatcher, tmp_path: Path
) -> None:
    queue_many(app, MESSAGES)
    env = remiss_env(app, tmp_path, smtp.port, REMISS_SMTP_CONNECTIONS=str(CONNECTIONS))
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.deliverer", clock.now().isoformat()], env=env, cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        smtp.catcher.wait_for(lambda: len(smtp.catcher.received) >= 300, "300 messages", 120)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    at_kill = len(smtp.catcher.received)
    assert at_kill < MESSAGES, "the deliverer finished before it could be killed"

    # The dead deliverer's claims run out after the lease; another deliverer takes over.
    clock.set_now(clock.now() + timedelta(minutes=11))
    deliver_outbox(app)

    delivered, lost, duplicated = tally([r.envelope_to for r in smtp.catcher.received], MESSAGES)
    report(f"crash-{app.engine.dialect.name}", tried=MESSAGES, delivered=delivered, lost=lost,
           duplicated=duplicated)  # fmt: skip
    assert lost == 0
    # At most the messages on the wire, and those accepted while one write was under way.
    assert duplicated <= 2 * CONNECTIONS
