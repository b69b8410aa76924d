"""Security by default: headers, CSRF on every POST, cookies, rate limits, quiet logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from remiss.access.limits import Limit
from remiss.app import App
from remiss.core import clock
from remiss.core.models import Round
from remiss.core.settings import Settings
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter
from remiss.web.security import CONTENT_SECURITY_POLICY
from remiss.web.server import RedactTokens, install_log_filter
from tests.web.conftest import (
    COORDINATOR,
    REVIEWER,
    Opened,
    csrf_of,
    invitation_state,
    login,
    open_round,
)
from tests.working import WorkedClient


def test_every_response_carries_the_security_headers(client: TestClient, opened: Opened) -> None:
    paths = [f"/r/{opened.token_for(REVIEWER)}", "/r/" + "x" * 43, "/login", "/static/remiss.css"]
    for path in paths:
        response = client.get(path)
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert client.get(paths[0]).headers["cache-control"] == "no-store"


def test_no_page_holds_an_inline_script(coordinator: TestClient, opened: Opened) -> None:
    pages = ["/", f"/rounds/{opened.round_id}", "/rounds/new", "/directory", "/mail",
             f"/r/{opened.token_for(REVIEWER)}"]  # fmt: skip
    for path in pages:
        html = coordinator.get(path).text
        # Only our own static files, never script written into the page.
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(re.fullmatch(r'<script src="/static/[a-z]+\.js" defer>', t) for t in scripts), (
            path
        )
        assert re.search(r"<script[^>]*>[^<]", html) is None, path
        assert " onclick=" not in html and " onload=" not in html, path
        assert " style=" not in html, path


def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    for data in (
        {"action": "submit", "q-stallningstagande": "Tillstyrker"},
        {"action": "submit", "q-stallningstagande": "Tillstyrker", "csrf_token": "forged"},
    ):
        response = client.post(f"/r/{token}", data=data)
        assert response.status_code == 403
        assert "Formuläret har gått ut" in response.text
    # A token made for one personal link does not work for another.
    other = opened.token_for("ylva.forsberg@rjl.example.org")
    stolen = {"action": "draft", "csrf_token": csrf_of(page.text)}
    assert client.post(f"/r/{other}", data=stolen).status_code == 403
    forward = {"name": "X", "email": "x@example.org"}
    assert client.post(f"/r/{token}/vidarebefordra", data=forward).status_code == 403
    assert invitation_state(app, REVIEWER).versions == []
    assert invitation_state(app, REVIEWER).status == "active"


def test_a_form_token_is_signed_for_its_link_and_a_form_left_open_across_an_upgrade_posts(
    client: TestClient, opened: Opened, app: App
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from remiss.core.tokens import hash_token

    token = opened.token_for(REVIEWER)
    issued, _, signature = csrf_of(client.get(f"/r/{token}").text).partition(".")
    other = "A" if signature[-1] != "A" else "B"
    for forged in (f"{issued}.{signature[:-1]}{other}", f"{int(issued, 16) + 1:x}.{signature}",
                   f"{issued}.", f"zz.{signature}", f"{issued}.{signature}.x", f"{issued}.åäö"):  # fmt: skip
        draft = {"action": "draft", "q-innehall": "Ett utkast", "csrf_token": forged}
        assert client.post(f"/r/{token}", data=draft).status_code == 403, forged
    assert invitation_state(app, REVIEWER).versions == []
    # A page opened before the tokens took this form still saves.
    earlier = URLSafeTimedSerializer(app.settings.signing_key(), salt="remiss.csrf")
    draft = {"action": "draft", "q-innehall": "Ett utkast",
             "csrf_token": earlier.dumps("r:" + hash_token(token))}  # fmt: skip
    assert client.post(f"/r/{token}", data=draft, follow_redirects=False).status_code == 303
    assert len(invitation_state(app, REVIEWER).versions) == 1


def test_a_coordinators_form_expires_after_a_working_day_a_reviewers_does_not(
    coordinator: TestClient, client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    reviewer_form = csrf_of(client.get(f"/r/{token}").text)
    close_form = csrf_of(coordinator.get(f"/rounds/{opened.round_id}").text)
    clock.set_now(clock.now() + timedelta(hours=12, minutes=1))
    response = coordinator.post(f"/rounds/{opened.round_id}/close", data={"csrf_token": close_form})
    assert response.status_code == 403
    with app.sessions() as session:
        assert session.get(Round, opened.round_id).status == "open"  # type: ignore[union-attr]
    draft = {"action": "draft", "q-innehall": "Skrivet under dagen", "csrf_token": reviewer_form}
    assert client.post(f"/r/{token}", data=draft, follow_redirects=False).status_code == 303


def test_login_and_dashboard_posts_need_the_session_csrf_token(
    client: TestClient, opened: Opened, app: App
) -> None:
    assert client.post("/login", data={"email": COORDINATOR}).status_code == 403
    assert opened.catcher.to(COORDINATOR) == []
    login(client, opened.catcher)
    response = client.post(f"/rounds/{opened.round_id}/close", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert ">öppen<" in client.get(f"/rounds/{opened.round_id}").text
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200


def test_the_session_cookie_is_secure_behind_https(sample_directory: App) -> None:
    secure = App.create(
        sample_directory.settings.model_copy(update={"base_url": "https://remiss.example.org"})
    )
    try:
        with WorkedClient(create_app(secure), base_url="https://remiss.example.org") as client:
            response = client.get("/login")
            cookie = response.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    finally:
        secure.close()


def test_too_many_requests_get_a_swedish_429(sample_directory: App, opened: Opened) -> None:
    limiter = RateLimiter(capacity=3, per_second=0.01, logins=Limit(capacity=3, per_second=0.01))
    web = create_app(sample_directory, limiter=limiter)
    with WorkedClient(web) as client:
        token = opened.token_for(REVIEWER)
        statuses = [client.get(f"/r/{token}").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        limited = client.get(f"/r/{token}")
        assert "För många försök" in limited.text
        assert limited.headers["retry-after"]
        assert limited.headers["x-frame-options"] == "DENY"
        # Asking for login links is limited per address; the login page itself is not.
        form = {"email": "x@example.org", "csrf_token": csrf_of(client.get("/login").text)}
        asked = [client.post("/login", data=form).status_code for _ in range(4)]
        assert asked == [200, 200, 200, 429]
        assert client.get("/login").status_code == 200
        # Pages outside the limited prefixes are not counted.
        assert client.get("/static/remiss.css").status_code == 200


def test_the_access_log_never_shows_a_token(caplog: pytest.LogCaptureFixture) -> None:
    install_log_filter()
    token = "k" * 43
    logger = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            f"/r/{token}?klar=utkast",
            "1.1",
            200,
        )
        logger.info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", f"/login/{token}", "1.1", 303
        )
    text = caplog.text
    assert token not in text
    assert "/r/[dold]?klar=utkast" in text and "/login/[dold]" in text
    assert any(isinstance(f, RedactTokens) for f in logger.filters)


@pytest.fixture
def sink_app(settings: Settings) -> Iterator[App]:
    """The embedded default: no SMTP server configured, mail lands in the local sink."""
    from remiss.directory import sync as directory
    from tests.conftest import EXAMPLES

    application = App.create(settings.model_copy(update={"coordinators": [COORDINATOR]}))
    with application.transaction() as session:
        directory.apply(session, directory.load(EXAMPLES / "directory.yaml"))
    yield application
    application.close()


def test_the_coordinator_reads_the_sink_mail_on_the_dashboard(sink_app: App) -> None:
    assert sink_app.settings.uses_sink
    open_round(sink_app)
    with WorkedClient(create_app(sink_app), base_url="http://remiss.test") as client:
        form = client.get("/login")
        client.post("/login", data={"email": COORDINATOR, "csrf_token": csrf_of(form.text)})
        from remiss.mail import sink

        [login_mail] = [
            m for m in sink.read_all(sink_app.settings.sink_dir) if "inloggningslänk" in m.subject
        ]
        token = login_mail.text().split("/login/")[1].split()[0]
        confirm = client.get(f"/login/{token}")
        client.post(f"/login/{token}", data={"csrf_token": csrf_of(confirm.text)})
        inbox = client.get("/mail")
        assert inbox.status_code == 200
        assert "Remiss: Mastocytos" in inbox.text
        key = inbox.text.split('href="/mail/')[1].split('"')[0]
        message = client.get(f"/mail/{key}")
        assert message.status_code == 200
        assert 'sandbox=""' in message.text
        assert f'src="/mail/{key}/html"' in message.text
        part = client.get(f"/mail/{key}/html")
        assert part.status_code == 200 and part.text.startswith("<!DOCTYPE html>")
        # The email's inline styles may apply in its frame; nothing may run or load.
        policy = part.headers["content-security-policy"]
        assert "style-src 'unsafe-inline'" in policy and "script" not in policy
        assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
        assert part.headers["x-frame-options"] == "SAMEORIGIN"
        assert client.get("/mail/no-such-message").status_code == 404
        assert client.get("/mail/no-such-message/html").status_code == 404
    with WorkedClient(create_app(sink_app), base_url="http://remiss.test") as outsider:
        assert outsider.get(f"/mail/{key}/html", follow_redirects=False).status_code in {303, 307}


def test_a_session_cookie_signed_with_an_empty_key_opens_nothing(client: TestClient) -> None:
    import base64
    import json

    from itsdangerous import TimestampSigner

    from remiss.web.security import SESSION_COOKIE

    payload = base64.b64encode(json.dumps({"email": COORDINATOR}).encode())
    forged = TimestampSigner(":session").sign(payload).decode()
    client.cookies.set(SESSION_COOKIE, forged)

    page = client.get("/", follow_redirects=False)

    assert page.status_code == 303
    assert page.headers["location"] == "/login"
