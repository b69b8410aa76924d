"""``make prod-check`` as part of ``make test``: production's topology run as processes
against the PostgreSQL server the suite is given, a round driven through it, every message
counted once. Without a PostgreSQL server there is nothing to run it on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from remiss.mail.sink import free_port

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
    # The ports from settings when given (PROD_CHECK_PORTS), as an operator with a firewall
    # would give them; here four that are free.
    ports = [free_port() for _ in range(4)]
    env["PROD_CHECK_PORTS"] = ",".join(map(str, ports))
    done = subprocess.run(
        [sys.executable, "-m", "deploy.prodcheck", "--postgres", str(POSTGRES)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    smtp, prefect, web_1, web_2 = ports
    assert f"  portar: SMTP {smtp}, Prefect {prefect}, webb {web_1}, {web_2}\n" in done.stdout
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


def test_ports_that_cannot_be_used_are_refused_in_one_line_before_anything_starts() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMISS_", "PREFECT_"))}
    for given, said in (("8100-8101", "behöver 4 olika portar"), ("80,81,82,83", "1024–65535"),
                        ("åtta", "ska vara ”8100-8103” eller en lista")):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "deploy.prodcheck"], cwd=REPO,
            env=env | {"PROD_CHECK_PORTS": given}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2 and said in done.stderr, done.stderr
        assert done.stdout == ""
