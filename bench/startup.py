"""The fixed cost of a command: what a fresh process pays before the work is done.

Three measurements, each in turns with its baseline, every one in fresh processes:

- ``first-mail-1``: ``remiss round open`` of a one-person round, run cold beside a
  standing ``remiss worker`` (as ``launch.py`` runs it), from the command's start to the
  invitation accepted by an SMTP server in a process of its own; against the time a
  fresh process takes to ``import prefect`` and exit (goal ≤ 1.0).
- ``idle-sweep``: ``remiss reminders send`` where nothing is due (a store of 2,000
  rounds and 100,000 invitations, as ``reminders.py`` builds it, every reminder already
  claimed), from its start to its exit; against ``import prefect`` (goal ≤ 1.2).
- ``first-due-query``: the due-set query's first call in a fresh process, against the
  hand-written SELECT of the same rows (``reminders.py``) first run in a fresh process,
  on the same store before anything is claimed; from the engine made to the rows read,
  the connection opened on the way in both. Each process has imported what it uses
  before its clock starts: the cost of importing is the idle sweep's to show (goal ≤ 5).

Each line is the turn with the median ratio. Every kind of process runs once before the
turns, its bytecode cached as an installed remiss has it (``common.cache_bytecode``).

    .venv/bin/python bench/startup.py [--repeat 5] [--rounds 2000] [--postgres URL]

No assertions beyond both queries finding the same number of rows; not part of the
test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    cache_bytecode,
    counting_server,
    drop_created,
    import_prefect,
    median_turn,
    result,
)
from launch import command_env, launched

from reminders import DUE_DEADLINE, HAND_WRITTEN, NOW, build, claim_everything
from remiss.mail.sink import free_port


def first_query(url: str, which: str) -> None:
    """In this fresh process, from the engine made to the rows read: the first due-set
    query or the first SELECT, its connection opened on the way, as a fresh sweep's is."""
    from remiss.core import clock
    from remiss.core.db import make_engine, session_factory
    from remiss.core.settings import Settings
    from remiss.rounds.due_set import due_reminders

    clock.set_now(NOW)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=url, data_dir=Path(folder),
                            base_url="http://b")  # fmt: skip
        engine = make_engine(url)
        start = time.perf_counter()
        with session_factory(engine)() as session:
            if which == "due":
                rows = len(due_reminders(session, settings))
            else:
                rows = len(session.execute(HAND_WRITTEN, {"deadline": DUE_DEADLINE}).all())
            took = time.perf_counter() - start
        engine.dispose()
    print(f"{took * 1000:.3f} {rows}")


def fresh_query(url: str, which: str) -> tuple[float, int]:
    """Milliseconds of the first ``which`` query in a process of its own, and its rows."""
    out = subprocess.run(
        [sys.executable, __file__, "--first-query", url, which],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]), int(out[1])


def timed(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``command`` to its exit."""
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(folder: Path, args: argparse.Namespace) -> None:
    # Each kind of process once before the turns: Python compiles and caches what it
    # imports the first time (``cache_bytecode``), as it did once where remiss is installed.
    import_prefect()
    launched(folder / "warm", 1, args.postgres)
    firsts = []
    for turn in range(args.first_mail_repeat):
        prefect = import_prefect()
        launch = launched(folder / f"one{turn}", 1, args.postgres)
        firsts.append((launch.counted.first - launch.start, prefect))
    show("first mail of a one-person round", firsts, "s")
    result("first-mail-1", *median_turn(firsts), "s", "ratio ≤ 1.0")

    store = build(folder, "store", args.rounds, 50, args.postgres)
    url = str(store.settings.database_url)
    fresh_query(url, "due"), fresh_query(url, "select")
    queries = []
    for _ in range(args.repeat):
        (due, due_rows), (select, select_rows) = fresh_query(url, "due"), fresh_query(url, "select")
        assert due_rows == select_rows, f"{due_rows} due, {select_rows} selected"
        queries.append((due, select))
    show(f"first due-set query against the SELECT, {due_rows} rows", queries, "ms")
    result("first-due-query", *median_turn(queries), "ms", "ratio ≤ 5")

    claim_everything(store)
    remiss = str(Path(sys.executable).with_name("remiss"))
    send = [remiss, "reminders", "send", "--now", NOW.isoformat()]
    port = free_port()
    with counting_server(port, folder) as counted:
        env = command_env(folder, url, port)
        timed(send, env)  # sends the reminders claimed above: idle from here on
        sweeps = [(timed(send, env), import_prefect(env)) for _ in range(args.repeat)]
    show(f"idle sweep at {store.invitations} invitations ({counted.count} mailed before)",
         sweeps, "s")  # fmt: skip
    result("idle-sweep", *median_turn(sweeps), "s", "ratio ≤ 1.2")


def show(what: str, turns: list[tuple[float, float]], unit: str) -> None:
    print(f"# {what}: {' '.join(f'{a:.2f}/{b:.2f}' for a, b in turns)} {unit} "
          f"(ratios {' '.join(f'{a / b:.2f}' for a, b in turns)})", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="turns of each fresh process")
    parser.add_argument("--first-mail-repeat", type=int, default=3,
                        help="one-person rounds opened, each in a fresh database")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2000, help="of 50 invitations each")
    parser.add_argument("--postgres", metavar="URL", help="on PostgreSQL (else SQLite)")
    parser.add_argument("--first-query", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_query:
        first_query(*args.first_query)
        return
    cache_bytecode()
    with tempfile.TemporaryDirectory(prefix="remiss-startup-") as tmp:
        try:
            run(Path(tmp), args)
        finally:
            drop_created()


if __name__ == "__main__":
    main()
