"""Rate limits per link (in the web process) and per guessing address (in the database);
server-side sessions.

Reviewers behind one hospital NAT or proxy share an address, never a limit; guessing
unknown links and asking for login links is limited per client address, and two web
processes over one database count together. Logout and removal end a session at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.access.limits import Limit
from remiss.app import App, deliver_outbox
from remiss.core.models import CoordinatorSession, Invitation, Person
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.web import create_app
from remiss.web.rate_limits import RateLimiter, client_address
from tests.conftest import EXAMPLES
from tests.mailcatcher import MailCatcher, RunningCatcher
from tests.web.conftest import COORDINATOR, LOGIN_LINK, Opened, csrf_of, login
from tests.working import WorkedClient

UNKNOWN = "/r/" + "u" * 43
BATCH = EXAMPLES / "rounds" / "2026-02-nationella-kunskapsstod.yaml"
PROXY = ("127.0.0.1", 5000)


def web_client(web: FastAPI, client: tuple[str, int] = ("192.0.2.10", 5000)) -> TestClient:
    return WorkedClient(web, base_url="http://remiss.test", client=client)


def reviewers(app: App, opened: Opened) -> list[str]:
    with app.sessions() as session:
        emails = session.scalars(
            select(Person.email)
            .join(Invitation, Invitation.person_id == Person.id)
            .where(Invitation.round_id == opened.round_id)
        ).all()
    return [opened.token_for(email) for email in emails]


def test_fifty_reviewers_behind_one_address_all_get_through(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    # February's national remiss period: many people, many links, one hospital address.
    with sample_directory.transaction() as session:
        rounds.open_rounds(session, sample_directory.settings, roundspec.load(BATCH), "test")
    deliver_outbox(sample_directory)
    # One invitation per person for all their rounds: a link per round in it.
    links = [token for r in smtp.catcher.received for token in r.tokens()][:50]
    assert len(links) == 50
    statuses = []
    with web_client(create_app(sample_directory)) as hospital:  # the default limits
        for token in links:
            page = hospital.get(f"/r/{token}")
            form = {"csrf_token": csrf_of(page.text), "q-stallningstagande": "Tillstyrker"}
            saved = hospital.post(f"/r/{token}", data={**form, "action": "draft"})
            sent = hospital.post(f"/r/{token}", data={**form, "action": "submit"})
            statuses += [page.status_code, saved.status_code, sent.status_code]
    assert statuses == [200] * 150


def test_one_link_asking_too_often_is_limited_alone(sample_directory: App, opened: Opened) -> None:
    first, second = reviewers(sample_directory, opened)[:2]
    web = create_app(sample_directory, limiter=RateLimiter(capacity=3, per_second=0.001))
    with web_client(web) as hospital:
        assert [hospital.get(f"/r/{first}").status_code for _ in range(4)] == [200] * 3 + [429]
        assert hospital.get(f"/r/{second}").status_code == 200
        # The "opened" ping counts nothing, even from a link at its limit.
        page = hospital.get(f"/r/{second}")
        ping = {"csrf_token": csrf_of(page.text)}
        assert {hospital.post(f"/r/{first}/oppnad", data=ping).status_code for _ in range(5)} != {
            429
        }


def unknown(n: int, kind: str = "r") -> str:
    return f"/{kind}/" + "u" * 41 + f"{n:02d}"


def login_link(browser: TestClient, catcher: MailCatcher) -> str:
    """Ask for a login link as the coordinator and return its path, not yet used."""
    form = browser.get("/login")
    browser.post("/login", data={"email": COORDINATOR, "csrf_token": csrf_of(form.text)})
    match = LOGIN_LINK.search(catcher.to(COORDINATOR)[-1].text())
    assert match, "the login email holds no link"
    return f"/login/{match.group(1)}"


def test_guessing_is_counted_across_web_processes(sample_directory: App, opened: Opened) -> None:
    token = reviewers(sample_directory, opened)[0]
    one, two = create_app(sample_directory), create_app(sample_directory)
    with web_client(one) as first, web_client(two) as second:
        # Ten unknown links through each process: twenty in all, the guessing allowance.
        for client in (first, second):
            assert {client.get(unknown(n)).status_code for n in range(10)} == {404}
        assert first.get(UNKNOWN).status_code == 429
        assert second.get(UNKNOWN).status_code == 429
        assert second.get("/login/" + "x" * 43).status_code == 429
        # A real link is still served to the guesser's address: a hospital behind one NAT.
        assert first.get(f"/r/{token}").status_code == 200
        assert second.get(f"/r/{token}").status_code == 200
    with web_client(two, ("192.0.2.99", 5000)) as someone_else:
        assert someone_else.get(UNKNOWN).status_code == 404
        assert someone_else.get(f"/r/{token}").status_code == 200


def test_after_twenty_unknown_links_a_valid_one_is_served_and_a_21st_unknown_is_refused(
    sample_directory: App, opened: Opened
) -> None:
    token = reviewers(sample_directory, opened)[0]
    with web_client(create_app(sample_directory)) as hospital:
        assert {hospital.get(unknown(n)).status_code for n in range(20)} == {404}
        page = hospital.get(f"/r/{token}")
        assert page.status_code == 200
        form = {"csrf_token": csrf_of(page.text), "q-stallningstagande": "Tillstyrker"}
        assert hospital.post(f"/r/{token}", data={**form, "action": "draft"}).status_code == 200
        refused = hospital.get(unknown(20))
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        assert "Mastocytos" not in refused.text
        assert hospital.get(f"/r/{token}").status_code == 200


def test_a_withdrawn_link_is_refused_like_an_unknown_one_once_guesses_are_used_up(
    sample_directory: App, opened: Opened
) -> None:
    token = reviewers(sample_directory, opened)[0]
    with sample_directory.transaction() as session:
        for invitation in session.scalars(select(Invitation)):
            invitation.status = "revoked"
    with web_client(create_app(sample_directory)) as guesser:
        assert {guesser.get(unknown(n)).status_code for n in range(20)} == {404}
        withdrawn, unknown_one = guesser.get(f"/r/{token}"), guesser.get(unknown(20))
    assert withdrawn.status_code == unknown_one.status_code == 429
    assert withdrawn.text == unknown_one.text


def test_after_twenty_unknown_login_links_a_valid_one_still_logs_in(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    with web_client(create_app(sample_directory)) as browser:
        link = login_link(browser, smtp.catcher)
        assert {browser.get(unknown(n, "login")).status_code for n in range(20)} == {404}
        confirm = browser.get(link)
        assert confirm.status_code == 200
        assert browser.get(unknown(20, "login")).status_code == 429
        form = {"csrf_token": csrf_of(confirm.text)}
        done = browser.post(link, data=form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert browser.get("/", follow_redirects=False).status_code == 200
        # Used, the link is unknown now: refused as one more guess.
        assert browser.get(link).status_code == 429


def test_after_twenty_unknown_links_through_two_processes_valid_ones_are_served_by_both(
    sample_directory: App, opened: Opened
) -> None:
    token = reviewers(sample_directory, opened)[0]
    one, two = create_app(sample_directory), create_app(sample_directory)
    with web_client(one) as first, web_client(two) as second:
        link = login_link(first, opened.catcher)
        assert {first.get(unknown(n)).status_code for n in range(10)} == {404}
        assert {second.get(unknown(n, "login")).status_code for n in range(10)} == {404}
        for client in (first, second):
            assert client.get(f"/r/{token}").status_code == 200
            assert client.get(link).status_code == 200
            assert client.get(unknown(20)).status_code == 429
            assert client.get(unknown(20, "login")).status_code == 429


@pytest.fixture
def behind_proxy(sample_directory: App) -> Iterator[App]:
    settings = sample_directory.settings.model_copy(
        update={"trusted_proxies": [ip_network("127.0.0.0/8")]}
    )
    proxied = App.create(settings)
    yield proxied
    proxied.close()


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(
    behind_proxy: App, opened: Opened
) -> None:
    web = create_app(behind_proxy, limiter=RateLimiter(guesses=Limit(3, 0.001)))
    with web_client(web, PROXY) as proxy:
        guesser = {"X-Forwarded-For": "203.0.113.5"}
        other = {"X-Forwarded-For": "203.0.113.6, 127.0.0.2"}
        assert [proxy.get(UNKNOWN, headers=guesser).status_code for _ in range(4)] == [
            404,
            404,
            404,
            429,
        ]
        # Another client through the same proxy (and a second proxy hop) is not limited.
        assert proxy.get(UNKNOWN, headers=other).status_code == 404


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(
    behind_proxy: App, opened: Opened
) -> None:
    web = create_app(behind_proxy, limiter=RateLimiter(guesses=Limit(3, 0.001)))
    with web_client(web, ("198.51.100.7", 5000)) as attacker:
        statuses = [
            attacker.get(UNKNOWN, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(5)
        ]
    assert statuses == [404, 404, 404, 429, 429]


def test_the_client_address_is_read_from_the_right() -> None:
    trusted = [ip_network("10.0.0.0/8"), ip_network("::1/128")]

    def scope(peer: str, forwarded: str | None) -> dict[str, object]:
        headers = [] if forwarded is None else [(b"x-forwarded-for", forwarded.encode())]
        return {"client": (peer, 1), "headers": headers}

    assert client_address(scope("10.0.0.1", "1.2.3.4, 5.6.7.8"), trusted) == "5.6.7.8"
    assert client_address(scope("10.0.0.1", "1.2.3.4, 10.0.0.9"), trusted) == "1.2.3.4"
    assert client_address(scope("::1", "2001:db8::1"), trusted) == "2001:db8::1"
    assert client_address(scope("10.0.0.1", None), trusted) == "10.0.0.1"
    assert client_address(scope("10.0.0.1", "nonsense, 5.6.7.8"), trusted) == "5.6.7.8"
    assert client_address(scope("10.0.0.1", "5.6.7.8, nonsense"), trusted) == "10.0.0.1"
    assert client_address(scope("8.8.8.8", "1.2.3.4"), trusted) == "8.8.8.8"
    assert client_address(scope("8.8.8.8", "1.2.3.4"), []) == "8.8.8.8"


def test_login_links_to_one_address_are_limited(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    with web_client(create_app(sample_directory)) as browser:
        token = csrf_of(browser.get("/login").text)
        for _ in range(7):
            sent = browser.post("/login", data={"email": COORDINATOR, "csrf_token": token})
            assert sent.status_code == 200 and "Om adressen är behörig" in sent.text
    assert len(smtp.catcher.to(COORDINATOR)) == 5


def live_sessions(app: App) -> int:
    with app.sessions() as session:
        rows = session.scalars(select(CoordinatorSession)).all()
    return sum(row.ended_at is None for row in rows)


def test_logout_ends_a_copied_session(sample_directory: App, smtp: RunningCatcher) -> None:
    web = create_app(sample_directory)
    with web_client(web) as browser, web_client(web) as copy:
        login(browser, smtp.catcher)
        assert live_sessions(sample_directory) == 1
        copy.cookies.update(browser.cookies)
        assert copy.get("/", follow_redirects=False).status_code == 200
        page = browser.get("/")
        browser.post("/logout", data={"csrf_token": csrf_of(page.text)})
        assert live_sessions(sample_directory) == 0
        refused = copy.get("/", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"] == "/login"


def test_a_coordinator_removed_from_the_list_is_logged_out(
    sample_directory: App, smtp: RunningCatcher
) -> None:
    with web_client(create_app(sample_directory)) as browser:
        login(browser, smtp.catcher)
        cookies = browser.cookies
    removed = App.create(sample_directory.settings.model_copy(update={"coordinators": []}))
    try:
        with web_client(create_app(removed)) as after:
            after.cookies.update(cookies)
            refused = after.get("/", follow_redirects=False)
            assert refused.headers["location"] == "/login"
    finally:
        removed.close()
    assert live_sessions(sample_directory) == 0
    # Listed again, the old cookie still opens nothing: the session ended for good.
    with web_client(create_app(sample_directory)) as again:
        again.cookies.update(cookies)
        assert again.get("/", follow_redirects=False).headers["location"] == "/login"
