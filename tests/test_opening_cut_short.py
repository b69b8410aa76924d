"""An opening cut short is visible and finished: ``round status`` says how far it got, the
sweep finishes it once no launch can still be at work on it, ``remiss round finish-opening``
finishes it at once, and nobody is invited twice, not even by two finishing it together."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from remiss.app import App
from remiss.core import clock
from remiss.core.models import AuditEvent, Group, Invitation, Membership, Person, Round
from remiss.rounds import batching, issuing
from remiss.rounds import spec as roundspec
from remiss.usecases import collecting
from remiss.usecases.opening import finish_openings
from remiss.usecases.runtime import inline
from remiss.usecases.sweep import sweep
from tests.launching import ROUND, seed_people
from tests.mailcatcher import RunningCatcher
from tests.test_cli import run
from tests.working import launched

REFERENCE = "LAUNCH-2026-001"
STARTED = datetime(2026, 2, 16, 8, 0, tzinfo=UTC)  # the frozen clock's moment


def cut_short(app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch) -> int:
    """Open a round reaching 100 people in batches of 20, the machine going down during
    the third: 40 invited and their mail sent, 60 not. The round's id."""
    seed_people(app, 100)
    real_issue = issuing.issue
    calls = []

    def failing_third(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return real_issue(*args)

    monkeypatch.setattr(issuing, "issue", failing_third)
    with pytest.raises(RuntimeError):
        launched(app, roundspec.loads(ROUND, "r.yaml"), smtp.target, batch=20)
    monkeypatch.setattr(issuing, "issue", real_issue)
    assert len(invited(smtp)) == 40
    with app.sessions() as s:
        return s.scalars(select(Round.id)).one()


def invited(smtp: RunningCatcher) -> Counter[str]:
    """Invitations received, by recipient (each holds a personal link)."""
    return Counter(to for m in smtp.catcher.received if m.tokens() for to in m.envelope_to)


def opened_events(app: App) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).where(AuditEvent.action == "round.open")) or 0


def invitations_per_person(app: App) -> Counter[int]:
    with app.sessions() as s:
        return Counter(s.scalars(select(Invitation.person_id)))


def test_round_status_shows_the_cut_and_the_sweep_finishes_it_once_ten_minutes_have_passed(
    app: App, remiss: CliRunner, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut_short(app, smtp, monkeypatch)
    code, out, err = run(remiss, "round", "status", REFERENCE)
    assert code == 0, err
    assert "Svar: 0/40; öppnandet avbröts: 40 av 100 inbjudna" in out
    assert f"remiss round finish-opening {REFERENCE}" in out

    # A launch may still be issuing five minutes on: the sweep leaves it alone.
    clock.set_now(STARTED + timedelta(minutes=5))
    assert sweep(inline(app)).finished_openings == []
    assert len(invited(smtp)) == 40

    clock.set_now(STARTED + timedelta(minutes=11))
    [finished] = sweep(inline(app)).finished_openings
    assert finished.resumed and finished.invitations == 60
    everyone = {f"p{i}@launch.example.org" for i in range(100)}
    assert set(invited(smtp)) == everyone and set(invited(smtp).values()) == {1}
    assert set(invitations_per_person(app).values()) == {1}
    assert opened_events(app) == 1
    code, out, _ = run(remiss, "round", "status", REFERENCE)
    assert "Svar: 0/100\n" in out and "avbröts" not in out

    clock.set_now(STARTED + timedelta(minutes=30))
    assert sweep(inline(app)).finished_openings == []
    assert sum(invited(smtp).values()) == 100 and opened_events(app) == 1


def test_the_command_finishes_it_reaching_whoever_the_round_reaches_now(
    app: App, remiss: CliRunner, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut_short(app, smtp, monkeypatch)
    with app.transaction() as s:  # someone joins one of the round's groups after the cut
        group = s.scalars(select(Group).where(Group.key == "launch-1")).one()
        s.add(Membership(group=group, person=Person(email="ny@launch.example.org", name="Ny")))
    code, out, _ = run(remiss, "round", "status", REFERENCE)
    assert "öppnandet avbröts: 40 av 101 inbjudna" in out

    code, out, err = run(remiss, "round", "finish-opening", REFERENCE)
    assert code == 0, err
    assert f"Slutförde öppnandet av {REFERENCE} (id 1), som avbröts: 61 inbjudningar till" in out
    assert "61 skickade" in out
    assert len(invited(smtp)) == 101 and set(invited(smtp).values()) == {1}

    code, out, err = run(remiss, "round", "finish-opening", REFERENCE)
    assert code == 0, err
    assert "öppnandet är inte avbrutet; inget nytt skickat" in out
    assert sum(invited(smtp).values()) == 101 and opened_events(app) == 1


def test_an_opening_cut_short_of_a_round_no_longer_collecting_is_not_finished(
    app: App, remiss: CliRunner, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = cut_short(app, smtp, monkeypatch)
    collecting.close(inline(app), round_id, "kansli@sosr.example.org")
    code, out, _ = run(remiss, "round", "status", REFERENCE)
    assert "öppnandet avbröts: 40 av 100 inbjudna" in out  # still true, and still said

    code, _, err = run(remiss, "round", "finish-opening", REFERENCE)
    assert code == 1
    assert f"{REFERENCE} är inga svar: att slutföra öppnandet går bara i läget öppen" in err
    clock.set_now(STARTED + timedelta(minutes=11))
    assert sweep(inline(app)).finished_openings == []
    assert len(invited(smtp)) == 40


def test_two_finishing_one_opening_at_once_invite_nobody_twice(
    app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = cut_short(app, smtp, monkeypatch)
    real_gather = batching.gather
    inner: list[Any] = []

    def another_finishes_first(*args: Any) -> Any:
        """The first finisher has read whom to invite; a second one (the sweep beside a
        coordinator's button) does all of it before the first issues a single batch."""
        if not inner:
            inner.append(None)
            inner[0] = finish_openings(inline(app), [round_id], "the sweep")
        return real_gather(*args)

    monkeypatch.setattr(batching, "gather", another_finishes_first)
    first = finish_openings(inline(app), [round_id], "the coordinator")
    [second] = inner[0].rounds
    assert second.invitations == 60
    assert [r.invitations for r in first.rounds] == [0]  # each batch refused, then empty
    assert len(invitations_per_person(app)) == 100
    assert set(invitations_per_person(app).values()) == {1}
    assert len(invited(smtp)) == 100 and set(invited(smtp).values()) == {1}
    assert opened_events(app) == 1  # recorded by the one that finished it
