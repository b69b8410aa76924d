"""Two sweeps at once send each reminder once: the claims decide, not the timing."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from remiss.core.models import Message, ReminderClaim
from remiss.rounds.due_set import due_reminders
from remiss.rounds.reminders import ReminderReport, queue_reminders
from tests.reminders.conftest import Rounds, utc
from tests.reminders.workers import sweep_in_process

WORKERS = 4
MOMENT = utc(2026, 3, 20, 7, 0)


def _open_overlapping_rounds(rounds: Rounds) -> tuple[int, int]:
    """Rounds whose groups overlap, so many people have several due; return the due set."""
    rounds.open("KS-2026-060", date(2026, 3, 25),
                groups="rpo-cancer, rpo-kirurgi, rpo-lung-allergi, rpo-barn")  # fmt: skip
    rounds.open("KS-2026-061", date(2026, 3, 26),
                groups="rpo-kirurgi, rpo-rorelse, rpo-mag-tarm, rpo-sallsynta")  # fmt: skip
    rounds.open("KS-2026-062", date(2026, 3, 27),
                groups="rsg-medicinsk-teknik, rsg-halsodata, kr-kirurgi-cancer, rpo-cancer")  # fmt: skip
    with rounds.app.sessions() as session:
        from remiss.core import clock

        clock.set_now(MOMENT)
        due = due_reminders(session, rounds.app.settings)
    invitations = {d.invitation_id for d in due}
    people = {d.person_id for d in due}
    assert len(invitations) > 30 and len(people) < len(invitations)
    return len(invitations), len(people)


def _check_each_sent_once(rounds: Rounds, due_invitations: int, due_people: int) -> None:
    with rounds.app.sessions() as session:
        per_recipient = Counter(
            session.scalars(select(Message.recipient).where(Message.kind == "reminder"))
        )
        claims = session.scalar(select(func.count()).select_from(ReminderClaim))
    assert len(per_recipient) == due_people
    assert set(per_recipient.values()) == {1}
    assert claims == due_invitations


def test_concurrent_sweeps_in_threads_send_each_reminder_once(rounds: Rounds) -> None:
    due_invitations, due_people = _open_overlapping_rounds(rounds)
    barrier = threading.Barrier(WORKERS)
    reports: list[ReminderReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            with rounds.app.transaction() as session:
                reports.append(queue_reminders(session, rounds.app.settings))
        except BaseException as exc:  # re-raised in the test below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert sum(r.reminders for r in reports) == due_invitations
    assert sum(r.digests for r in reports) == due_people
    _check_each_sent_once(rounds, due_invitations, due_people)
    delivery = rounds.sweep(MOMENT).delivery
    assert delivery.sent == due_people
    assert all(len(m) == 1 for m in rounds.received().values())


def test_concurrent_sweeps_in_processes_send_each_reminder_once(rounds: Rounds) -> None:
    due_invitations, due_people = _open_overlapping_rounds(rounds)
    s = rounds.app.settings
    config = {"database_url": s.database_url, "data_dir": str(s.data_dir),
              "base_url": s.base_url, "mail_from": s.mail_from}  # fmt: skip
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=sweep_in_process, args=(config, MOMENT.isoformat(), barrier, results)
        )
        for _ in range(WORKERS)
    ]
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=30)

    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(o[0] for o in outcomes) == due_invitations
    assert sum(o[1] for o in outcomes) == due_people
    people = [person for o in outcomes for person in o[2]]
    assert len(people) == len(set(people)) == due_people
    _check_each_sent_once(rounds, due_invitations, due_people)
