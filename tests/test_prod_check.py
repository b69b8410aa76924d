"""``make prod-check`` as part of ``make test``: production's topology run as processes
against the PostgreSQL server the suite is given, a round driven through it, every message
counted once. Without a PostgreSQL server there is nothing to run it on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("REMISS_TEST_POSTGRES_URL")


@pytest.mark.postgres
@pytest.mark.skipif(
    not POSTGRES,
    reason="the production check needs PostgreSQL: set REMISS_TEST_POSTGRES_URL "
    "(.ci/run does when a server answers on 127.0.0.1:5432)",
)
def test_production_topology_carries_a_round_and_sends_every_message_once() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "deploy.prodcheck", "--postgres", str(POSTGRES)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = dict(
        line.split(": ", 1) for line in done.stdout.splitlines() if not line.startswith(" ")
        and ": " in line
    )  # fmt: skip
    completed, ran = lines["flow runs completed"].split(" ")[0].split("/")
    # The deployments' runs; what the coordinator did on the web shows as events.
    assert completed == ran and int(ran) >= 4, output
    for flow in ("open-round", "reminder-sweep", "compile-response"):
        assert f"{flow} " in lines["flow runs completed"], output
    for event in ("remiss.round.close", "remiss.round.decide", "remiss.round.send"):
        assert f"{event} " in lines["events in Prefect"], output
    sent = int(lines["messages sent"].split(" ")[0])
    assert lines["messages sent"] == f"{sent} (received {sent})" and sent > 40, output
    assert lines["duplicates"] == "0"
    assert lines["web processes"] == "2"
    assert lines["workers"] == "2"
    assert lines["sweep schedule"] == "*/15 * * * * (Europe/Stockholm)"
