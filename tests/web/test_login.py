"""Coordinator login by a one-time link, and who may see the dashboard."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.access import logins
from remiss.app import App
from remiss.core import clock
from remiss.core.models import LoginToken
from tests.web.conftest import (
    COORDINATOR,
    LOGIN_LINK,
    OUTSIDER,
    REVIEWER,
    Opened,
    csrf_of,
    login,
    open_round,
)

NEUTRAL = "Om adressen är behörig har en inloggningslänk skickats"


def ask(client: TestClient, email: str) -> str:
    form = client.get("/login")
    response = client.post("/login", data={"email": email, "csrf_token": csrf_of(form.text)})
    assert response.status_code == 200
    return response.text


def link_token(opened_catcher: object, email: str) -> str:
    mails = opened_catcher.to(email)  # type: ignore[attr-defined]
    match = LOGIN_LINK.search(mails[-1].text())
    assert match
    return match.group(1)


def test_everything_needs_a_login(client: TestClient, opened: Opened) -> None:
    for path in ("/", f"/rounds/{opened.round_id}", "/rounds/new", "/directory", "/mail"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login"


def test_a_reviewer_link_opens_nothing_of_the_dashboard(client: TestClient, opened: Opened) -> None:
    assert client.get(f"/r/{opened.token_for(REVIEWER)}").status_code == 200
    for path in ("/", f"/rounds/{opened.round_id}", "/mail"):
        assert client.get(path, follow_redirects=False).status_code == 303
    response = client.post(f"/rounds/{opened.round_id}/close", data={}, follow_redirects=False)
    assert response.status_code in {303, 403}


def test_the_coordinator_logs_in_by_the_mailed_link(
    client: TestClient, opened: Opened, app: App
) -> None:
    text = ask(client, COORDINATOR)
    assert NEUTRAL in text
    token = link_token(opened.catcher, COORDINATOR)
    with app.sessions() as session:
        stored = session.scalars(select(LoginToken)).all()
        assert [row.token_hash for row in stored] != [token]
    # Opening the link (as a mail scanner would) uses nothing up.
    for _ in range(2):
        confirm = client.get(f"/login/{token}")
        assert confirm.status_code == 200
        assert ">Logga in</button>" in confirm.text
    done = client.post(
        f"/login/{token}", data={"csrf_token": csrf_of(confirm.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    cookie = done.headers["set-cookie"]
    assert "remiss_session=" in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()
    home = client.get("/")
    assert home.status_code == 200
    assert "Mastocytos" in home.text
    # The link works once.
    again = client.post(f"/login/{token}", data={"csrf_token": csrf_of(confirm.text)})
    assert again.status_code == 404
    assert "redan använts eller gått ut" in again.text


def test_an_outsider_gets_the_same_page_and_no_mail(client: TestClient, opened: Opened) -> None:
    before = len(opened.catcher.received)
    outsider = ask(client, OUTSIDER)
    reviewer = ask(client, REVIEWER)
    coordinator = ask(client, COORDINATOR)
    assert NEUTRAL in outsider
    assert outsider.replace(OUTSIDER, "") == reviewer.replace(REVIEWER, "")
    assert coordinator.replace(COORDINATOR, "") == outsider.replace(OUTSIDER, "")
    assert opened.catcher.to(OUTSIDER) == []
    assert len(opened.catcher.received) == before + 1


def test_a_round_coordinator_not_listed_in_settings_may_log_in(
    client: TestClient, opened: Opened, app: App
) -> None:
    open_round(app, "\n".join([
        "reference: OTHER-1", "title: Annan remiss", "issuer: Socialstyrelsen",
        "areas: [sallsynta-sjukdomar]", "deadline: 2026-04-14", "internal_deadline: 2026-03-20",
        "coordinator: samordnare@rkl.example.org",
    ]))  # fmt: skip
    login(client, opened.catcher, "samordnare@rkl.example.org")
    assert client.get("/").status_code == 200


def test_a_login_link_expires_after_30_minutes(client: TestClient, opened: Opened) -> None:
    ask(client, COORDINATOR)
    token = link_token(opened.catcher, COORDINATOR)
    confirm = client.get(f"/login/{token}")
    clock.set_now(clock.now() + timedelta(minutes=31))
    assert client.get(f"/login/{token}").status_code == 404
    response = client.post(f"/login/{token}", data={"csrf_token": csrf_of(confirm.text)})
    assert response.status_code == 404
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_bad_address_is_named_without_revealing_anything(client: TestClient) -> None:
    form = client.get("/login")
    response = client.post(
        "/login", data={"email": "inte-en-adress", "csrf_token": csrf_of(form.text)}
    )
    assert response.status_code == 422
    assert "Skriv en giltig e-postadress." in response.text
    assert 'aria-describedby="email-error"' in response.text


def test_logout_ends_the_session(coordinator: TestClient) -> None:
    home = coordinator.get("/")
    response = coordinator.post(
        "/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert coordinator.get("/", follow_redirects=False).status_code == 303


def test_login_link_gives_a_working_one_time_url(client: TestClient, app: App) -> None:
    with app.transaction() as session:
        url = logins.login_link(session, app.settings, COORDINATOR)
    assert url.startswith("http://remiss.test/login/")
    token = url.rsplit("/", 1)[-1]
    confirm = client.get(f"/login/{token}")
    assert confirm.status_code == 200
    client.post(f"/login/{token}", data={"csrf_token": csrf_of(confirm.text)})
    assert client.get("/").status_code == 200
