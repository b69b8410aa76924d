"""No input a client can send gets a 5xx: a property test over every route of the app.

Hypothesis draws a route, values for its path parameters (real ids and links, numbers far
beyond the database, text with control characters), a query string, a form with the
fields the pages post (with a valid CSRF token most of the time, so the handlers are
reached) or a file, as the coordinator or as a stranger. The state the requests leave
behind carries over from one to the next, as it would on a live server. Bounded and
derandomised, so it runs the same way in every `make test`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remiss.access.limits import Limit
from remiss.app import App
from remiss.web import ROUTERS, create_app
from remiss.web.rate_limits import RateLimiter
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import REVIEWER, Opened, csrf_of, login
from tests.working import WorkedClient

FIELDS = [
    "action", "areas", "groups", "lead", "deadline", "documents", "email", "name",
    "move_draft", "questions", "signatory", "summary", "reference", "title", "kind",
    "issuer", "opens", "internal_deadline", "coordinator", "period", "q-stallningstagande",
    "q-synpunkter", "version", "format", "sida", "q",
]  # fmt: skip
ACTIONS = ["draft", "submit", "no_comments", "withdraw", "edit", "", "x" * 300]

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.sampled_from(
        ["\x00", "0", "-1", "2147483648", "9" * 40, "2026-02-30", "2026-04-14", "<script>",
         "ä" * 5000, "'; DROP TABLE rounds; --", "%00", "../../etc/passwd", "NaN", "1e309"]
    ),
)  # fmt: skip


@dataclass
class Known:
    """What a client could know of: a round, an invitation, a personal link."""

    round_id: int
    invitation_id: int
    token: str


def path_value(name: str, known: Known) -> st.SearchStrategy[str]:
    real = {
        "round_id": str(known.round_id),
        "invitation_id": str(known.invitation_id),
        "token": known.token,
    }.get(name, "1")
    numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
    # Mostly the real thing, so that the handlers behind the lookups are reached too.
    return st.one_of(
        st.just(real),
        st.just(real),
        st.just(real),
        numbers,
        hostile_text.filter(lambda v: "/" not in v),
    )


@st.composite
def requests(draw: st.DrawFn, routes: list[APIRoute], known: Known) -> dict[str, Any]:
    route = draw(st.sampled_from(routes))
    method = draw(st.sampled_from(sorted(route.methods)))
    path = route.path_format
    for name in re.findall(r"{(\w+)}", path):
        value = draw(path_value(name, known))
        path = path.replace("{" + name + "}", quote(value, safe=""), 1)
    # A query string is kept to what a client can send at all (httpx refuses a URL over 64 KiB).
    query = draw(st.dictionaries(st.sampled_from(FIELDS), hostile_text.map(lambda v: v[:500]),
                                 max_size=3))  # fmt: skip
    form: dict[str, Any] = draw(
        st.dictionaries(
            st.sampled_from(FIELDS),
            st.one_of(hostile_text, st.lists(hostile_text, max_size=3), st.sampled_from(ACTIONS)),
            max_size=6,
        )
    )
    file = draw(st.one_of(st.none(), st.binary(max_size=300), hostile_text.map(str.encode)))
    return {
        "method": method,
        "path": path,
        "query": query,
        "form": form,
        "file": file,
        "csrf": draw(st.sampled_from(["valid", "valid", "valid", "none", "forged"])),
        "as_coordinator": draw(st.sampled_from([True, True, True, False])),
    }


def send(client: TestClient, request: dict[str, Any], csrf: str) -> int:
    if request["method"] == "GET":
        return client.get(request["path"], params=request["query"]).status_code
    form = dict(request["form"])
    if request["csrf"] == "valid":
        form["csrf_token"] = csrf
    elif request["csrf"] == "forged":
        form["csrf_token"] = "x" + csrf[1:]
    files = None if request["file"] is None else {"file": ("remiss.yaml", request["file"])}
    return client.post(request["path"], data=form, files=files).status_code


@pytest.mark.parametrize("examples", [300])
def test_no_route_answers_any_input_with_a_server_error(
    sample_directory: App, opened: Opened, smtp: RunningCatcher, examples: int
) -> None:
    generous = RateLimiter(
        capacity=10**6, per_second=10**3, guesses=Limit(10**6, 10**3), logins=Limit(10**6, 10**3)
    )
    web = create_app(sample_directory, limiter=generous)
    routes = [
        route
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.path != "/logout"  # logout is tested apart
    ]
    assert len(routes) > 25
    token = opened.token_for(REVIEWER)
    coordinator = WorkedClient(web, raise_server_exceptions=False, follow_redirects=False)
    stranger = WorkedClient(web, raise_server_exceptions=False, follow_redirects=False)
    with coordinator, stranger:
        login(coordinator, smtp.catcher)
        page = coordinator.get(f"/rounds/{opened.round_id}")
        invitation = re.search(r"/invitations/(\d+)/", page.text)
        known = Known(opened.round_id, int(invitation.group(1)) if invitation else 1, token)
        tokens = {
            "coordinator": csrf_of(coordinator.get("/").text),
            "stranger": csrf_of(stranger.get("/login").text),
            "reviewer": csrf_of(stranger.get(f"/r/{token}").text),
        }
        failures: list[str] = []

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(request=requests(routes, known))
        def no_server_error(request: dict[str, Any]) -> None:
            client = coordinator if request["as_coordinator"] else stranger
            if request["path"].startswith("/r/"):
                csrf = tokens["reviewer"]
            else:
                csrf = tokens["coordinator" if request["as_coordinator"] else "stranger"]
            status = send(client, request, csrf)
            if status >= 500:
                failures.append(f"{status} {request['method']} {request['path']!r}: {request}")
            assert status < 500, failures[-1]

        no_server_error()
