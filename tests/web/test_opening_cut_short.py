"""An opening cut short, as the coordinator sees it: the dashboard and the round's page say
how far it got ("öppnandet avbröts: 4 av 6 inbjudna"), and "Slutför öppnandet" invites the
rest, each person once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remiss.app import App
from remiss.core.models import Invitation, Round
from remiss.rounds import issuing
from remiss.rounds import spec as roundspec
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import ROUND_YAML, csrf_of
from tests.web.test_dashboard import act
from tests.working import launched

# The round reaches six people in RPO Sällsynta sjukdomar.
REACHED = 6


def cut_short(app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch) -> int:
    """Open the round two invitations at a time, the machine going down during the third
    batch: four invited, two not. The round's id."""
    real_issue = issuing.issue
    calls = []

    def failing_third(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return real_issue(*args)

    monkeypatch.setattr(issuing, "issue", failing_third)
    with pytest.raises(RuntimeError):
        launched(app, roundspec.loads(ROUND_YAML), smtp.target, batch=2)
    monkeypatch.setattr(issuing, "issue", real_issue)
    with app.sessions() as s:
        return s.scalars(select(Round.id)).one()


def invited(smtp: RunningCatcher) -> Counter[str]:
    """Invitations received, by recipient (each holds a personal link)."""
    return Counter(to for m in smtp.catcher.received if m.tokens() for to in m.envelope_to)


def invitations(app: App) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(Invitation)) or 0


def test_the_dashboard_and_the_round_page_say_how_far_it_got_and_the_button_finishes_it(
    coordinator: TestClient, app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = cut_short(app, smtp, monkeypatch)
    assert len(invited(smtp)) == 4
    said = f"öppnandet avbröts: 4 av {REACHED} inbjudna"
    assert said in coordinator.get("/").text
    page = coordinator.get(f"/rounds/{round_id}").text
    assert said in page and "Slutför öppnandet</button>" in page

    response = act(coordinator, f"/rounds/{round_id}/finish-opening")
    assert response.status_code == 200
    assert "Öppnandet är slutfört: 2 inbjudningar till skickas." in response.text
    assert "avbröts" not in response.text and "Slutför öppnandet</button>" not in response.text
    assert "avbröts" not in coordinator.get("/").text
    assert len(invited(smtp)) == REACHED and set(invited(smtp).values()) == {1}

    again = act(coordinator, f"/rounds/{round_id}/finish-opening")
    assert "Öppnandet var redan slutfört; inget nytt skickades." in again.text
    assert sum(invited(smtp).values()) == REACHED and invitations(app) == REACHED


def test_the_confirmation_says_what_will_happen_before_anything_does(
    coordinator: TestClient, app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = cut_short(app, smtp, monkeypatch)
    page = coordinator.get(f"/rounds/{round_id}")
    asked = coordinator.post(
        f"/rounds/{round_id}/finish-opening", data={"csrf_token": csrf_of(page.text)}
    )
    assert "Slutför öppnandet?" in asked.text
    assert f"Öppnandet avbröts: 4 av {REACHED} inbjudna." in asked.text
    assert invitations(app) == 4 and len(invited(smtp)) == 4


def test_only_a_coordinator_with_the_forms_token_finishes_it(
    coordinator: TestClient, app: App, smtp: RunningCatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = cut_short(app, smtp, monkeypatch)
    path = f"/rounds/{round_id}/finish-opening"
    without_token = coordinator.post(path, data={"confirm": "1"}, follow_redirects=False)
    assert without_token.status_code == 403
    coordinator.cookies.clear()  # logged out
    token = csrf_of(coordinator.get("/login").text)
    logged_out = coordinator.post(
        path, data={"csrf_token": token, "confirm": "1"}, follow_redirects=False
    )
    assert logged_out.status_code in {303, 403}
    assert invitations(app) == 4 and len(invited(smtp)) == 4
