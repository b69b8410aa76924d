"""A delivery process killed with SIGKILL mid-round re-sends at most what was on the wire."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from remiss.app import App, deliver_outbox
from remiss.core import clock
from tests.faults.conftest import queue_many, tally
from tests.faults.figures import report
from tests.mailcatcher import RunningCatcher

MESSAGES = 1000
CONNECTIONS = 4


def test_a_killed_deliverer_loses_nothing_and_resends_only_what_was_in_flight(
    app: App, smtp: RunningCatcher, tmp_path: Path
) -> None:
    queue_many(app, MESSAGES)
    s = app.settings
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))},
        "REMISS_DATABASE_URL": s.resolved_database_url,
        "REMISS_DATA_DIR": str(tmp_path / "var"),
        "REMISS_SMTP_HOST": "127.0.0.1",
        "REMISS_SMTP_PORT": str(smtp.port),
        "REMISS_SMTP_CONNECTIONS": str(CONNECTIONS),
        "REMISS_MAIL_FROM": s.mail_from,
    }
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
