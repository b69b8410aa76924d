"""A compile that fails at closing never stops the sweep, and a later sweep compiles the round.

The failure is real: the database has no table to store the version in, as after a
botched restore; the compile fails inside the database, not in a stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flows.reminders import reminder_sweep
from sqlalchemy import Engine, func, select, text

from remiss.core import clock
from remiss.core.models import AuditEvent, Round, YttrandeVersion
from tests.mailcatcher import RunningCatcher
from tests.reminders.conftest import LAKEMEDEL, Rounds, utc
from tests.working import WorkedClient

COORDINATOR = "kansli@sosr.example.org"
ANSWERING = "kristina.lindgren@rkl.example.org"  # RSG Hälsodata
DRAFTER = "tove.lindahl@rog.example.org"  # its processtöd


@contextmanager
def versions_table_gone(engine: Engine) -> Iterator[None]:
    """The versions table is missing while the block runs, as after a botched restore."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE yttrande_versions RENAME TO yttrande_versions_away"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE yttrande_versions_away RENAME TO yttrande_versions"))


def test_a_failed_compile_keeps_the_close_sends_the_reminders_and_is_retried(
    rounds: Rounds, environment: None
) -> None:
    past = rounds.open("KS-2026-080", date(2026, 3, 20), groups="rsg-halsodata")
    rounds.answer(ANSWERING, past)
    rounds.open("KS-2026-081", date(2026, 3, 27))

    with versions_table_gone(rounds.app.engine):
        first = reminder_sweep.fn("2026-03-21T09:00:00+01:00")

    # Closed, marked for another try, and the other round's reminders went out all the same.
    assert first["closed_round_ids"] == [past]
    [failed] = first["compiled"]
    assert failed["version"] is None and "yttrande_versions" in failed["error"]
    assert first["reminders"] == {"reminders": 3, "digests": 3}
    # ... and the lead's processtöd was asked to draft the answer: drafting needs no compile.
    assert set(rounds.received()) == {*LAKEMEDEL, DRAFTER}
    with rounds.app.sessions() as session:
        round_ = session.get(Round, past)
        assert round_ is not None
        assert round_.status == "closed" and round_.compile_pending
        assert "yttrande_versions" in (round_.compile_error or "")
        assert session.scalar(select(func.count()).select_from(YttrandeVersion)) == 0
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "yttrande.compile_failed")
        ).all() == ["yttrande.compile_failed"]
    rounds.mail.clear()

    second = reminder_sweep.fn("2026-03-21T09:15:00+01:00")

    assert second["closed_round_ids"] == []
    assert [(c["round_id"], c["version"], c["error"]) for c in second["compiled"]] == [
        (past, 1, None)
    ]
    assert [r.envelope_to for r in rounds.mail.received] == [[COORDINATOR]]
    with rounds.app.sessions() as session:
        round_ = session.get(Round, past)
        assert round_ is not None and not round_.compile_pending and round_.compile_error is None

    clock.set_now(utc(2026, 3, 21, 8, 30))
    third = reminder_sweep.fn("2026-03-21T09:30:00+01:00")
    assert third["compiled"] == [] and third["delivery"]["sent"] == 0


def test_the_round_page_says_the_compile_failed_and_will_be_tried_again(
    rounds: Rounds, environment: None, smtp: RunningCatcher
) -> None:

    from remiss.web import create_app
    from tests.web.conftest import login

    past = rounds.open("KS-2026-082", date(2026, 3, 20), groups="rsg-halsodata")
    rounds.answer(ANSWERING, past)
    with versions_table_gone(rounds.app.engine):
        reminder_sweep.fn("2026-03-21T09:00:00+01:00")
    with WorkedClient(create_app(rounds.app), base_url="http://remiss.test") as client:
        login(client, smtp.catcher)
        page = client.get(f"/rounds/{past}")
    assert page.status_code == 200
    assert "Sammanställningen kunde inte göras när remissen stängdes." in page.text
    assert "yttrande_versions" in page.text
