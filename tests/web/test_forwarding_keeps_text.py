"""Forwarding from the reviewer's page never loses what the answer fields hold: a
mistyped address brings the page back with it in the fields and the summary of what to
fix at the top; with the draft moved along, the colleague gets what was on the page."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from remiss.app import App
from tests.web.conftest import REVIEWER, Opened, csrf_of, invitation_state
from tests.web.test_answer_size import in_field

COLLEAGUE = "maria.lind@rjl.example.org"
TYPED = {
    "q-stallningstagande": "Tillstyrker med synpunkter",
    "q-innehall": 'Avsnitt 3 <b>saknar</b> "barnperspektivet" & mer.\nAndra stycket.',
    "q-ovrigt": "",
}


def forward(client: TestClient, token: str, email: str, **more: str) -> httpx.Response:
    """Forward as the page's form does: the answer fields posted along."""
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "name": "Maria Lind", "email": email}
    return client.post(
        f"/r/{token}/vidarebefordra", data={**data, **TYPED, **more}, follow_redirects=False
    )


def test_a_mistyped_address_keeps_the_answer_and_says_so_first(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    response = forward(client, token, "maria.lind@rjl", system_level="1", move_draft="1")
    assert response.status_code == 422
    page = response.text
    assert "<title>Fel: " in page
    # The summary comes before the page's heading, and links to the field to fix.
    summary = page.index('<div class="error-summary" role="alert" tabindex="-1" id="fel"')
    assert summary < page.index("<h1>")
    assert "Remissen är inte vidarebefordrad" in page
    assert '<a href="#forward-email">Skriv en giltig e-postadress.</a>' in page
    assert page.count('id="fel"') == 1
    # What was typed is in its fields again, escaped; the forwarding fields too.
    assert in_field(page, "innehall") == TYPED["q-innehall"]
    assert "&lt;b&gt;saknar&lt;/b&gt;" in page and "<b>saknar</b>" not in page
    assert 'value="Tillstyrker med synpunkter" checked' in page
    assert 'name="system_level" value="1" aria-describedby="systemniva-hint" checked' in page
    assert 'value="maria.lind@rjl"' in page
    assert 'name="move_draft" value="1" form="svar" aria-describedby="flytta-hint" checked' in (
        page
    )
    # Nothing was saved, and nobody was asked.
    state = invitation_state(app, REVIEWER)
    assert state.status == "active" and state.versions == []
    assert opened.catcher.to(COLLEAGUE) == []


def test_the_draft_moved_along_is_what_the_page_held(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    saved = {"csrf_token": csrf_of(page.text), "action": "draft", "q-innehall": "Äldre utkast"}
    assert client.post(f"/r/{token}", data=saved, follow_redirects=False).status_code == 303

    assert forward(client, token, COLLEAGUE, move_draft="1").status_code == 303
    moved = invitation_state(app, COLLEAGUE)
    [(number, kind, values, _)] = moved.versions
    assert (number, kind) == (1, "draft")
    assert values == {
        "stallningstagande": "Tillstyrker med synpunkter",
        "innehall": TYPED["q-innehall"],
    }


def test_forwarding_without_the_draft_leaves_the_saved_one_alone(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    assert forward(client, token, COLLEAGUE).status_code == 303
    assert invitation_state(app, REVIEWER).versions == []
    assert invitation_state(app, COLLEAGUE).versions == []
