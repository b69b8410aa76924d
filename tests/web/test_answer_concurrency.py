"""A double click on Skicka in: the second request is refused, never a server error."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from remiss.app import App
from remiss.core import clock
from remiss.core.errors import Refused
from remiss.core.models import Invitation, Round
from remiss.reviewers import answers, disagreement
from remiss.usecases.worker import Worker
from remiss.yttrande.closing import close_round
from remiss.yttrande.versions import latest
from tests.web.conftest import (
    ANOTHER_REVIEWER,
    COORDINATOR,
    REVIEWER,
    Opened,
    invitation_state,
    received,
)

VALUES = {"stallningstagande": "Tillstyrker", "innehall": "Bra."}


def _wait_until_blocked(app: App, pid: int) -> None:
    """Return once the backend ``pid`` waits on a lock another transaction holds."""
    with app.engine.connect() as conn:
        for _ in range(100_000):
            waiting = conn.execute(
                text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
            if waiting == "Lock":
                return
            conn.rollback()
    raise AssertionError("the second submit never waited for the first")


def test_two_identical_submits_at_once_refuse_the_second(opened: Opened, app: App) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE")
    token = opened.token_for(REVIEWER)
    # The page's script has reported the visit, as it does in a browser.
    with app.transaction() as session:
        answers.mark_opened(session, token)
    outcome: list[BaseException | None] = []
    pid: list[int] = []
    started = threading.Event()

    def second() -> None:
        try:
            with app.transaction() as session:
                backend = session.connection().exec_driver_sql("SELECT pg_backend_pid()")
                pid.append(backend.scalar_one())
                started.set()
                answers.submit(session, app.settings, token, VALUES, no_comments=False)
            outcome.append(None)
        except BaseException as exc:  # inspected below
            outcome.append(exc)
            started.set()

    with app.transaction() as first:
        answers.submit(first, app.settings, token, VALUES, no_comments=False)
        thread = threading.Thread(target=second)
        thread.start()
        assert started.wait(timeout=30)
        _wait_until_blocked(app, pid[0])
    thread.join(timeout=30)

    assert len(outcome) == 1
    assert isinstance(outcome[0], Refused), repr(outcome[0])
    assert str(outcome[0]) == answers.DOUBLE_SUBMIT
    assert [v[:2] for v in invitation_state(app, REVIEWER).versions] == [(1, "submitted")]


def _in_thread(
    app: App, work: Callable[[Session], object]
) -> tuple[threading.Thread, list[int], list[BaseException | None]]:
    """Run ``work`` in its own transaction in a thread; its backend pid and outcome are kept."""
    outcome: list[BaseException | None] = []
    pid: list[int] = []
    started = threading.Event()

    def run() -> None:
        try:
            with app.transaction() as session:
                backend = session.connection().exec_driver_sql("SELECT pg_backend_pid()")
                pid.append(backend.scalar_one())
                started.set()
                work(session)
            outcome.append(None)
        except BaseException as exc:  # inspected by the test
            outcome.append(exc)
            started.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(timeout=30)
    return thread, pid, outcome


def test_an_answer_submitted_while_the_round_closes_is_refused(opened: Opened, app: App) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE")
    token = opened.token_for(REVIEWER)
    with app.transaction() as closing:
        close_round(closing, app.settings, opened.round_id, "kansli@sosr.example.org")
        thread, pid, outcome = _in_thread(
            app, lambda s: answers.submit(s, app.settings, token, VALUES, no_comments=False)
        )
        _wait_until_blocked(app, pid[0])
    thread.join(timeout=30)

    assert isinstance(outcome[0], Refused), repr(outcome[0])
    assert str(outcome[0]).startswith("Remissen är stängd för svar")
    assert invitation_state(app, REVIEWER).versions == []


def test_a_round_closing_while_an_answer_is_submitted_compiles_that_answer(
    opened: Opened, app: App
) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE")
    token = opened.token_for(REVIEWER)
    with app.transaction() as submitting:
        answers.submit(submitting, app.settings, token, VALUES, no_comments=False)
        thread, pid, outcome = _in_thread(
            app,
            lambda s: close_round(s, app.settings, opened.round_id, "kansli@sosr.example.org"),
        )
        _wait_until_blocked(app, pid[0])
    thread.join(timeout=30)

    assert outcome == [None]
    with app.sessions() as session:
        version = latest(session, opened.round_id)
        assert version is not None and "Bra." in json.dumps(version.content, ensure_ascii=False)


def _submitting(app: App, token: str, position: str) -> Callable[[Session], object]:
    values = {"stallningstagande": position}
    return lambda session: answers.submit(session, app.settings, token, values, no_comments=False)


def test_two_submissions_changing_a_disagreement_at_once_both_go_through(
    opened: Opened, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE")
    for email in (REVIEWER, ANOTHER_REVIEWER):  # Region Jönköpings län, for: no disagreement
        with app.transaction() as session:
            _submitting(app, opened.token_for(email), "Tillstyrker")(session)
    # Both hold their lock on the round and have read the picture before either escalates.
    both_read = threading.Barrier(2, timeout=30)
    reading = threading.local()
    picture = disagreement.picture

    def picture_once_both_have_come(session: Session, round_: Round) -> object:
        if not getattr(reading, "waited", False):
            reading.waited = True
            both_read.wait()
        return picture(session, round_)

    monkeypatch.setattr(disagreement, "picture", picture_once_both_have_come)
    running = [
        _in_thread(app, _submitting(app, opened.token_for(email), "Avstyrker"))
        for email in ("fredrik.holm@rkl.example.org", "goran.oberg@rog.example.org")
    ]
    for thread, _pid, _outcome in running:
        thread.join(timeout=60)

    assert [outcome for _thread, _pid, outcome in running] == [[None], [None]]
    # The first to take the round's lock mailed what it saw; the other, finding the day
    # mailed, left it to the next working day's first look, which tells what both answered.
    monkeypatch.undo()
    clock.set_now(datetime(2026, 2, 17, 6, 0, tzinfo=UTC))  # Tuesday 07.00 in Sweden
    Worker(app).drain()
    mailed = received(opened.catcher, COORDINATOR, "Meningsskiljaktighet")
    assert len(mailed) == 2
    assert (
        "Regioner: Region Jönköpings län tillstyrker; Region Kalmar län och Region "
        "Östergötland avstyrker." in " ".join(mailed[-1].text().split())
    )


def test_a_submitted_version_is_written_once_whatever_the_session_does_next(
    opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    with app.transaction() as session:
        saved = answers.submit(session, app.settings, token, VALUES, no_comments=False)
        # Written as statements: the session holds nothing of it to write again. The
        # invitation read afterwards has the version, and changing it writes that only.
        invitation = session.get(Invitation, saved.invitation_id)
        assert invitation is not None
        assert [v.number for v in invitation.versions] == [1]
        invitation.draft_saved_at = saved.version.created_at
        session.flush()
    state = invitation_state(app, REVIEWER)
    assert [(n, kind) for n, kind, _, _ in state.versions] == [(1, "submitted")]
    assert state.opened_at == state.submitted_at == state.draft_saved_at
