"""What a coordinator does beside the web in the production check: a remiss registered for
triage from the command line, a mistyped form on the web, the yttrande sent from the
command line. Each shows in Prefect (an event on its round); the mistyped form shows as
nothing at all, certainly not as a failed run."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

import httpx

from deploy.prodcheck.processes import CheckFailed
from deploy.prodcheck.topology import COORDINATOR, Topology

TRIAGE = """\
reference: PROD-{tag}-T
title: "Mastocytos, remissförslag nationell högspecialiserad vård ({tag})"
kind: remissförslag
issuer: Socialstyrelsen
areas: [sallsynta-sjukdomar]
opens: {opens}
deadline: {deadline}
coordinator: {coordinator}
"""
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def remiss(topology: Topology, *args: str) -> str:
    """A ``remiss`` command as an operator runs it beside the services; its output."""
    done = subprocess.run(
        [topology.bin("remiss"), *args], env=topology.env, cwd=topology.repo,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        raise CheckFailed(f"remiss {' '.join(args)}: {done.stderr.strip()[-1000:]}")
    return done.stdout


def register_for_triage(topology: Topology, tag: str, today: date) -> None:
    path = topology.work / "triage.yaml"
    path.write_text(
        TRIAGE.format(
            tag=tag, opens=today, deadline=today + timedelta(days=60), coordinator=COORDINATOR
        ),
        encoding="utf-8",
    )
    said = remiss(topology, "round", "open", "--triage", str(path))
    if "inkommen" not in said:
        raise CheckFailed(f"remiss round open --triage: {said.strip()}")


def mistyped_form(topology: Topology, coordinator: httpx.Client) -> None:
    """The new-round form with a deadline that is no date: the page says so (422)."""
    form = coordinator.get(topology.web(0) + "/rounds/new")
    token = CSRF.search(form.text)
    if form.status_code != 200 or token is None:
        raise CheckFailed(f"/rounds/new svarade {form.status_code}")
    typed = coordinator.post(
        topology.web(1) + "/rounds/new",
        data={"csrf_token": token.group(1), "reference": "PROD-FEL", "title": "Felskrivet",
              "deadline": "31 februari"},
    )  # fmt: skip
    if typed.status_code != 422:
        raise CheckFailed(f"ett felskrivet formulär gav {typed.status_code}, inte 422")


def send_by_hand(topology: Topology, reference: str) -> None:
    said = remiss(topology, "round", "send", reference)
    if "yttrandet skickat" not in said:
        raise CheckFailed(f"remiss round send: {said.strip()}")
