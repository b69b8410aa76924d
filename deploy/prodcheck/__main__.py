"""``make prod-check``: run production's topology here and drive a round through it."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from deploy.prodcheck.databases import Server

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    parser = argparse.ArgumentParser(prog="make prod-check", description=__doc__)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("REMISS_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="a PostgreSQL server to create the check's databases on (any database on it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the logs and files")
    parser.add_argument(
        "--ports",
        default=os.environ.get("PROD_CHECK_PORTS", ""),
        help="the ports to use, SMTP, Prefect and the two web processes in that order: "
        "'8100-8103' or '8100,8101,8102,8103' (default: free ones; env PROD_CHECK_PORTS)",
    )
    args = parser.parse_args()
    try:
        ports = chosen_ports(args.ports)
    except ValueError as exc:
        print(f"prod-check: {exc}", file=sys.stderr)
        return 2

    server = Server(args.postgres)
    if not server.answers():
        print(f"prod-check: PostgreSQL svarar inte på {server.admin.render_as_string()}",
              file=sys.stderr)  # fmt: skip
        return 2
    work = Path(tempfile.mkdtemp(prefix="remiss-prod-check-"))
    started = time.monotonic()
    try:
        return run(server, work, ports)
    finally:
        print(f"tid: {time.monotonic() - started:.0f} s; loggar: {work / 'logs'}"
              + ("" if args.keep else " (borttagna)"))  # fmt: skip
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)


# SMTP, Prefect, and the two web processes.
PORTS_WANTED = 4


def chosen_ports(text: str) -> list[int]:
    """ "8100-8103" or "8100,8101,8102,8103" as ports; none when empty (free ones then)."""
    text = text.strip()
    if not text:
        return []
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            ports = list(range(first, last + 1))
        else:
            ports = [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(
            f"PROD_CHECK_PORTS ska vara ”8100-8103” eller en lista (angivet: {text})"
        ) from None
    if len(ports) < PORTS_WANTED or len(set(ports)) != len(ports):
        raise ValueError(f"PROD_CHECK_PORTS behöver {PORTS_WANTED} olika portar (angivet: {text})")
    if not all(1024 <= port <= 65535 for port in ports):
        raise ValueError(f"PROD_CHECK_PORTS: portar ska vara 1024–65535 (angivet: {text})")
    return ports[:PORTS_WANTED]


def run(server: Server, work: Path, ports: list[int]) -> int:
    from deploy.prodcheck.topology import Topology
    from remiss.mail.sink import free_port

    if ports:
        smtp_port, prefect_port, *web_ports = ports
        topology = Topology(repo=REPO, work=work, server=server, smtp_port=smtp_port,
                            prefect_port=prefect_port, web_ports=web_ports)  # fmt: skip
    else:
        topology = Topology(repo=REPO, work=work, server=server, smtp_port=free_port())
    # Prefect reads its settings once, at import: point this process at the server first.
    os.environ["PREFECT_API_URL"] = topology.api_url
    os.environ["PREFECT_HOME"] = str(work / "prefect-home")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    from deploy.prodcheck import verify
    from deploy.prodcheck.mailbox import MailServer
    from deploy.prodcheck.processes import CheckFailed
    from deploy.prodcheck.scenario import Drive

    def say(line: str) -> None:
        print(f"  {line}", flush=True)

    counts = verify.Counts()
    with MailServer(topology.smtp_port) as smtp:
        drive = Drive(topology, smtp.mailbox, secrets.token_hex(2).upper(), say)
        try:
            web = ", ".join(map(str, topology.web_ports))
            say(f"portar: SMTP {topology.smtp_port}, Prefect {topology.prefect_port}, webb {web}")
            topology.start(say)
            drive.run()
            verify.settled(topology, counts)
            verify.messages(topology, smtp.mailbox, counts)
            verify.rendered(topology)
            verify.prefect(topology, counts)
            verify.backup_and_restore(topology, counts)
            say(
                f"pg_dump och pg_restore till en ny databas: {counts.restored_rounds} remisser läses lika"
            )
        except CheckFailed as failure:
            print(f"prod-check MISSLYCKADES: {failure}", file=sys.stderr)
            return 1
        finally:
            topology.stop()
    by_flow = ", ".join(
        f"{name} {n}" for name, n in sorted((counts.flow_runs_by_flow or {}).items())
    )
    print(f"flow runs completed: {counts.flow_runs_completed}/{counts.flow_runs} ({by_flow})")
    told = ", ".join(f"{name} {n}" for name, n in sorted((counts.events or {}).items()))
    print(f"events in Prefect: {told}")
    print(f"messages sent: {counts.messages_sent} (received {counts.messages_received})")
    print(f"duplicates: {counts.duplicates}")
    print(f"web processes: {counts.web_processes}")
    print(f"workers: {counts.workers}")
    print(f"remiss workers: {counts.remiss_workers}")
    print(f"sweep schedule: {counts.schedule}")
    print("prod-check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
