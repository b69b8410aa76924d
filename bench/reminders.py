"""How the reminder sweep scales: with what is due, not with what is stored.

Builds two databases (SQLite files in a temporary folder, or fresh databases on a
PostgreSQL server) with the same due set (a few rounds near their deadline, some
people in them not yet answered) and a store of other rounds and invitations, ten
times larger in one than in the other: most answered, far from their deadline, or
closed. By default the big store holds 2,000 rounds of 50 invitations, 100,000
invitations, and the small one 10,000. Then times, in this process, the due-set
query, a sweep (closing what is due, then claim + digests, rolled back so each run
does the same work), the idle sweep the 15-minute schedule usually runs (everything
already claimed), and for contrast a naive sweep that loads every open invitation
into Python. Prints the big/small ratios: near 1 means the cost follows the due
set, near 10 means it follows the store.

    .venv/bin/python bench/reminders.py [--rounds 2000] [--people 50] [--factor 10]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Two result lines, each timed in turns with what it is compared to, so that load on
the machine falls on both alike:

- ``reminders-due-query``: the due-set query against a hand-written SELECT of the
  same rows (checked to be the same), at the big store; the goal is at most 2×.
- ``reminders-sweep-flatness``: a sweep at the big store against the same sweep at
  the small one; the goal is flat, at most 1.2. Delivery, the sweep's last step, is
  ``delivery.py``'s to measure.

Not part of the test suite; the only assertion is that the baseline selects the
rows the due-set query does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import database_url, drop_created, result
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from remiss.core import clock
from remiss.core.db import make_engine, session_factory, upgrade
from remiss.core.models import Invitation, Person, ReminderClaim, Round
from remiss.core.settings import Settings
from remiss.core.workdays import end_of_day
from remiss.rounds.due_set import due_reminders
from remiss.rounds.reminder_calendar import due_offsets
from remiss.rounds.reminders import queue_reminders
from remiss.yttrande.closing import close_due

NOW = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)  # Monday, 08:00 in Stockholm
DUE_DEADLINE = date(2026, 3, 23)  # offset 7 → Monday 16 March 08:00, offset 2 → Friday 20th
DUE_ROUNDS = 5  # rounds whose 7-day reminder is due now, in both databases
PENDING_PER_DUE_ROUND = 10
# The due-set query and its baseline take a millisecond or so: many turns each.
QUERY_REPEAT = 101


@dataclass
class Store:
    label: str
    rounds: int
    invitations: int
    sessions: sessionmaker[Session]
    settings: Settings


def build(folder: Path, label: str, rounds: int, people: int, postgres: str | None = None) -> Store:
    """A database with ``rounds`` rounds of ``people`` invitations each, the due set fixed."""
    url = database_url(folder, label, postgres)
    settings = Settings(_env_file=None, database_url=url, data_dir=folder, base_url="http://b")
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    pool = max(people * 10, 500)
    with sessions.begin() as session:
        session.execute(
            insert(Person),
            [{"email": f"p{i}@bench.example.org", "name": f"Person {i}"} for i in range(pool)],
        )
        person_ids = list(session.scalars(select(Person.id).order_by(Person.id)))
        round_rows = []
        for n in range(rounds):
            if n < DUE_ROUNDS:
                deadline, status = DUE_DEADLINE, "open"
            elif n % 4 == 0:  # finished earlier in the year
                deadline, status = date(2026, 1, 10) + timedelta(days=n % 40), "closed"
            else:  # open, no reminder due yet: 24 March (offset 7 → 17 March) onwards
                deadline, status = date(2026, 3, 24) + timedelta(days=n % 90), "open"
            round_rows.append(
                {
                    "reference": f"BENCH-{n}",
                    "title": f"Remiss {n}",
                    "issuer": "Socialstyrelsen",
                    "opens": date(2026, 1, 1),
                    "national_deadline": deadline + timedelta(days=20),
                    "internal_deadline": deadline,
                    "internal_deadline_at": end_of_day(deadline, settings.tz),
                    "deadline_version": 0,
                    "coordinator": "kansli@bench.example.org",
                    "status": status,
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                }
            )
        session.execute(insert(Round), round_rows)
        rows = session.execute(select(Round.id, Round.internal_deadline).order_by(Round.id)).all()
        invitations = []
        for n, (round_id, deadline) in enumerate(rows):
            for k in range(people):
                pending = k < PENDING_PER_DUE_ROUND if deadline == DUE_DEADLINE else k % 5 == 0
                invitations.append(
                    {
                        "round_id": round_id,
                        "person_id": person_ids[(n * 7 + k) % pool],
                        "status": "active",
                        "created_at": datetime(2026, 1, 2, tzinfo=UTC),
                        "submitted_at": None if pending else datetime(2026, 2, 1, tzinfo=UTC),
                    }
                )
        session.execute(insert(Invitation), invitations)
    if engine.dialect.name == "postgresql":
        # The statistics autovacuum would have gathered by the time a sweep runs.
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return Store(label, rounds, len(invitations), sessions, settings)


def once(fn: Callable[[], object]) -> float:
    """Wall time of one call of ``fn`` in milliseconds."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    fn()  # warm caches (templates, holidays, statement cache)
    return statistics.median(once(fn) for _ in range(repeat))


def paired(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall times of ``a`` and ``b`` in milliseconds, run in turns."""
    a(), b()
    samples = [(once(a), once(b)) for _ in range(repeat)]
    return statistics.median(x for x, _ in samples), statistics.median(y for _, y in samples)


def due_query(store: Store) -> Callable[[], object]:
    def run() -> object:
        with store.sessions() as session:
            return due_reminders(session, store.settings)

    return run


def due_rows(store: Store) -> set[tuple[int, int, int, int]]:
    with store.sessions() as session:
        return {
            (d.invitation_id, d.offset_days, d.deadline_version, d.person_id)
            for d in due_reminders(session, store.settings)
        }


# The baseline: the same rows by a plain SELECT written for this one due set.
HAND_WRITTEN = text(
    "SELECT i.id, 7, 0, i.person_id FROM invitations i "
    "JOIN people p ON p.id = i.person_id JOIN rounds r ON r.id = i.round_id "
    "WHERE r.status = 'open' AND r.internal_deadline = :deadline "
    "AND i.status = 'active' AND i.submitted_at IS NULL AND p.active "
    "AND NOT EXISTS (SELECT 1 FROM reminder_claims c WHERE c.invitation_id = i.id "
    "AND c.offset_days = 7 AND c.deadline_version = 0)"
)


def hand_written(store: Store) -> Callable[[], object]:
    def run() -> object:
        with store.sessions() as session:
            return session.execute(HAND_WRITTEN, {"deadline": DUE_DEADLINE}).all()

    return run


def hand_written_rows(store: Store) -> set[tuple[int, int, int, int]]:
    with store.sessions() as session:
        rows = session.execute(HAND_WRITTEN, {"deadline": DUE_DEADLINE}).all()
    return {(row[0], row[1], row[2], row[3]) for row in rows}


def sweep_rolled_back(store: Store) -> Callable[[], object]:
    """The reminder sweep up to delivery: close what is due (nothing here), then remind."""

    def run() -> object:
        close_due(store.sessions, store.settings, "bench")
        with store.sessions() as session:
            session.begin()
            report = queue_reminders(session, store.settings)
            session.rollback()
            return report

    return run


def naive_sweep(store: Store) -> Callable[[], object]:
    """What the SQL avoids: every open invitation and every claim loaded into Python."""

    def run() -> object:
        with store.sessions() as session:
            claimed = set(
                session.execute(
                    select(
                        ReminderClaim.invitation_id,
                        ReminderClaim.offset_days,
                        ReminderClaim.deadline_version,
                    )
                ).all()
            )
            due = []
            rows = session.execute(
                select(Invitation, Round, Person)
                .join(Round, Round.id == Invitation.round_id)
                .join(Person, Person.id == Invitation.person_id)
                .where(Round.status == "open")
            ).all()
            for invitation, round_, person in rows:
                if invitation.submitted_at or invitation.status != "active" or not person.active:
                    continue
                if round_.internal_deadline_at <= NOW:
                    continue
                for offset, _at in due_offsets(round_.internal_deadline, store.settings, NOW):
                    key = (invitation.id, offset, round_.deadline_version)
                    if key not in claimed:
                        due.append(key)
            return due

    return run


def claim_everything(store: Store) -> None:
    with store.sessions.begin() as session:
        queue_reminders(session, store.settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--people", type=int, default=50, help="invitations per round")
    parser.add_argument("--factor", type=int, default=10, help="how much larger the big store is")
    parser.add_argument("--repeat", type=int, default=15, help="runs of each sweep")
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server to build the stores on (else SQLite)"
    )
    args = parser.parse_args()
    clock.set_now(NOW)

    with tempfile.TemporaryDirectory() as tmp:
        try:
            run_all(Path(tmp), args)
        finally:
            drop_created()


def run_all(folder: Path, args: argparse.Namespace) -> None:
    """Build both stores, time every case on each, and print the ratios."""
    started = time.perf_counter()
    rounds_small = max(args.rounds // args.factor, DUE_ROUNDS + 1)
    small = build(folder, "small", rounds_small, args.people, args.postgres)
    big = build(folder, "big", args.rounds, args.people, args.postgres)
    print(f"built in {time.perf_counter() - started:.1f} s")
    for store in (small, big):
        due = due_rows(store)
        assert due and due == hand_written_rows(store), f"{store.label}: not the same rows"
        print(
            f"{store.label + ':':7}{store.rounds} rounds, {store.invitations} invitations, "
            f"{len(due)} due (the baseline selects the same)"
        )
    print(f"store ×{big.invitations / small.invitations:.1f}\n")
    cases: list[tuple[str, Callable[[Store], Callable[[], object]], int]] = [
        ("hand-written SELECT (baseline)", hand_written, QUERY_REPEAT),
        ("due-set query", due_query, QUERY_REPEAT),
        ("sweep (close, claim + digests)", sweep_rolled_back, args.repeat),
        ("naive: all open invitations", naive_sweep, 1),
    ]
    print(f"{'':32}{'small ms':>10}{'big ms':>10}{'ratio':>8}")
    for name, make, repeat in cases:
        a = timed(make(small), repeat)
        b = timed(make(big), repeat)
        print(f"{name:32}{a:10.2f}{b:10.2f}{b / a:8.2f}")
    query, base = paired(due_query(big), hand_written(big), QUERY_REPEAT)
    print(f"\ndue-set query / hand-written SELECT at the big store: {query / base:.2f}")
    result("reminders-due-query", query, base, query / base, "ms", "ratio ≤ 2")
    b, a = paired(sweep_rolled_back(big), sweep_rolled_back(small), args.repeat)
    print(f"sweep at the big store / at the small one: {b / a:.2f}")
    result("reminders-sweep-flatness", b, a, b / a, "ms", "ratio ≤ 1.2")
    claim_everything(small)
    claim_everything(big)
    b, a = paired(sweep_rolled_back(big), sweep_rolled_back(small), QUERY_REPEAT)
    print(f"\n{'idle sweep (all claimed)':32}{a:10.2f}{b:10.2f}{b / a:8.2f}")


if __name__ == "__main__":
    main()
