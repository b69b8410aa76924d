"""What the check reads back once the round is through: the SMTP server's count against the
outbox, the flow runs and the sweep's schedule from the Prefect API, the workers, and the app
database restored from a dump."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from deploy.prodcheck import databases
from deploy.prodcheck.mailbox import Mailbox
from deploy.prodcheck.processes import CheckFailed
from deploy.prodcheck.topology import POOL, Topology

SWEEP = "reminder-sweep/reminder-sweep"
SWEEP_CRON = "*/15 * * * *"
# The deployments run by workers.
EXPECTED_FLOWS = {"open-round", "reminder-sweep", "compile-response"}
# What the coordinator did, told to Prefect as events on each round: registered for triage
# and sent from the command line, closed and decided on the web.
EXPECTED_EVENTS = {
    "remiss.round.register",
    "remiss.round.close",
    "remiss.round.decide",
    "remiss.round.send",
}


@dataclass
class Counts:
    flow_runs: int = 0
    flow_runs_completed: int = 0
    flow_runs_by_flow: Counter[str] | None = None
    events: Counter[str] | None = None
    messages_sent: int = 0
    messages_received: int = 0
    duplicates: int = 0
    web_processes: int = 0
    workers: int = 0
    remiss_workers: int = 0
    schedule: str = ""
    restored_rounds: int = 0


def settled(topology: Topology, counts: Counts) -> None:
    """remiss's workers are alive, each saying so, and have done what the round left them:
    the outbox sent, every version's files rendered (they work a moment after a commit)."""
    [(alive,)] = topology.read(
        "select count(*) from worker_beats where seen_at > now() - interval '15 seconds'"
    )
    counts.remiss_workers = alive
    if alive != topology.remiss_worker_count:
        raise CheckFailed(f"{alive} av {topology.remiss_worker_count} remiss-arbetare lever")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        [(waiting,)] = topology.read(
            "select (select count(*) from messages where status in ('pending', 'sending'))"
            " + (select count(*) from yttrande_versions where files_pending)"
        )
        if not waiting:
            return
        time.sleep(0.5)


def messages(topology: Topology, mailbox: Mailbox, counts: Counts) -> None:
    """Every message of the outbox arrived exactly once, and nothing else arrived."""
    rows = topology.read("select message_id, status from messages")
    unsent = [status for _, status in rows if status != "sent"]
    if unsent:
        raise CheckFailed(f"{len(unsent)} meddelanden är inte skickade: {Counter(unsent)}")
    received = Counter(r.message_id for r in mailbox.snapshot())
    expected = Counter(message_id for message_id, _ in rows)
    counts.messages_sent = len(rows)
    counts.messages_received = sum(received.values())
    counts.duplicates = mailbox.duplicates()
    if received != expected:
        missing = expected - received
        extra = received - expected
        raise CheckFailed(f"SMTP-servern och utkorgen skiljer sig: saknas {missing}, extra {extra}")


def rendered(topology: Topology) -> None:
    """Every round's newest sammanställning was rendered in every format by the workers,
    with no download asking for it."""
    [(unrendered,)] = topology.read(
        "select count(*) from yttrande_versions v where (v.pdf is null or length(v.docx) = 0 "
        "or length(v.html) = 0) and v.number = "
        "(select max(w.number) from yttrande_versions w where w.round_id = v.round_id)"
    )
    if unrendered:
        raise CheckFailed(f"{unrendered} sammanställningar saknar filer efter sammanställningen")


def prefect(topology: Topology, counts: Counts) -> None:
    """Every flow run that ran is Completed; the sweep runs every 15 minutes in local time;
    every worker is online."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    with get_client(sync_client=True) as client:
        deadline = time.monotonic() + 120
        while True:
            runs = [r for r in client.read_flow_runs(limit=200)
                    if r.state_type not in (StateType.SCHEDULED, None)]  # fmt: skip
            unfinished = [r for r in runs if r.state is not None and not r.state.is_final()]
            if not unfinished or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        flows = {f.id: f.name for f in client.read_flows()}
        counts.flow_runs = len(runs)
        counts.flow_runs_completed = sum(1 for r in runs if r.state_type == StateType.COMPLETED)
        counts.flow_runs_by_flow = Counter(flows.get(r.flow_id, "?") for r in runs)
        if counts.flow_runs_completed != counts.flow_runs:
            failed = [(flows.get(r.flow_id), r.name, r.state_type) for r in runs
                      if r.state_type != StateType.COMPLETED]  # fmt: skip
            raise CheckFailed(f"flödeskörningar som inte blev klara: {failed}")
        missing = EXPECTED_FLOWS - set(counts.flow_runs_by_flow)
        if missing:
            raise CheckFailed(f"inga flödeskörningar av {sorted(missing)}")
        counts.events = _events(client)
        missing = EXPECTED_EVENTS - set(counts.events)
        if missing:
            raise CheckFailed(f"inga händelser {sorted(missing)} i Prefect")
        sweep = client.read_deployment_by_name(SWEEP)
        schedules = [(s.schedule.cron, s.schedule.timezone, s.active)  # type: ignore[union-attr]
                     for s in sweep.schedules]  # fmt: skip
        if schedules != [(SWEEP_CRON, "Europe/Stockholm", True)]:
            raise CheckFailed(f"svepets schema är {schedules}")
        counts.schedule = f"{SWEEP_CRON} ({schedules[0][1]})"
        workers = client.read_workers_for_work_pool(work_pool_name=POOL)
        counts.workers = sum(1 for w in workers if str(w.status).upper().endswith("ONLINE"))
    if counts.workers != topology.worker_count:
        raise CheckFailed(f"{counts.workers} av {topology.worker_count} workers är online")
    counts.web_processes = len([p for p in topology.supervisor.started
                                if p.name.startswith("web-") and p.popen.poll() is None])  # fmt: skip


def _events(client: Any) -> Counter[str]:
    """remiss's events in Prefect, by name: the server stores them in its own time."""
    from prefect.events.filters import EventFilter, EventNameFilter

    wanted = EventFilter(event=EventNameFilter(prefix=["remiss."]))
    deadline = time.monotonic() + 60
    while True:
        found = Counter(e.event for e in client.read_events(filter=wanted, limit=50).events)
        if set(found) >= EXPECTED_EVENTS or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def backup_and_restore(topology: Topology, counts: Counts) -> None:
    """pg_dump of the app database, pg_restore into a fresh one: the register reads the same."""
    dump = topology.work / "remiss.dump"
    databases.dump(topology.server, topology.app_url, dump)
    restored = topology.server.create("restored")
    databases.restore(topology.server, dump, restored)
    remiss = topology.bin("remiss")

    def register(url: sa.URL) -> str:
        env = {**topology.env, "REMISS_DATABASE_URL": url.render_as_string(hide_password=False)}
        done = subprocess.run([remiss, "register", "--format", "csv"], env=env,
                              capture_output=True, text=True, cwd=topology.repo)  # fmt: skip
        if done.returncode != 0:
            raise CheckFailed(f"remiss register: {done.stderr[-2000:]}")
        return done.stdout

    original, copy = register(topology.app_url), register(restored)
    if original != copy or "PROD-" not in copy:
        raise CheckFailed(f"den återställda databasen läser annorlunda:\n{original}\n---\n{copy}")
    counts.restored_rounds = copy.count("PROD-")
