"""The reviewer's page behind a personal link."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remiss.app import App
from remiss.core import clock
from remiss.core.models import Invitation, Message
from tests.web.conftest import (
    ANOTHER_REVIEWER,
    REVIEWER,
    Opened,
    csrf_of,
    deadline_at,
    invitation_state,
    received,
)

POSITION = "q-stallningstagande"
CONTENT = "q-innehall"


def post(client: TestClient, token: str, action: str, **fields: str) -> httpx.Response:
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "action": action, **fields}
    return client.post(f"/r/{token}", data=data, follow_redirects=False)


def test_page_shows_the_round_and_one_labelled_field_per_question(
    client: TestClient, opened: Opened
) -> None:
    page = client.get(f"/r/{opened.token_for(REVIEWER)}")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="sv">' in html
    assert 'name="viewport"' in html
    assert "Mastocytos, remissförslag nationell högspecialiserad vård" in html
    assert "Socialstyrelsen" in html
    assert "20 mars 2026" in html
    assert "RPO Sällsynta sjukdomar" in html
    assert 'href="https://example.org/remissversion.pdf"' in html
    assert "<legend>Ställer ni er bakom kunskapsstödet?" in html
    assert '<label for="q-innehall">Synpunkter på kunskapsstödets innehåll</label>' in html
    assert '<textarea id="q-innehall" name="q-innehall"' in html
    for button in ("Spara utkast", "Skicka in", "Inga synpunkter"):
        assert f">{button}</button>" in html
    assert "Vidarebefordra till en kollega" in html
    assert "Flytta med mitt utkast" in html


def test_opening_the_page_changes_nothing(client: TestClient, opened: Opened, app: App) -> None:
    token = opened.token_for(REVIEWER)
    for _ in range(3):
        assert client.get(f"/r/{token}").status_code == 200
    state = invitation_state(app, REVIEWER)
    assert state.opened_at is None
    assert state.versions == []


def test_the_pages_script_records_that_a_person_opened_it(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    assert '<script src="/static/reviewer.js" defer></script>' in page.text
    assert f'data-opened="/r/{token}/oppnad"' in page.text
    # Without the form's CSRF token nothing is recorded.
    refused = client.post(f"/r/{token}/oppnad", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert invitation_state(app, REVIEWER).opened_at is None
    seen = client.post(f"/r/{token}/oppnad", data={"csrf_token": csrf_of(page.text)})
    assert seen.status_code == 204
    first = invitation_state(app, REVIEWER).opened_at
    assert first is not None
    clock.set_now(clock.now() + timedelta(hours=1))
    client.post(f"/r/{token}/oppnad", data={"csrf_token": csrf_of(page.text)})
    assert invitation_state(app, REVIEWER).opened_at == first
    assert client.post("/r/" + "x" * 43 + "/oppnad", data={}).status_code in {403, 404}
    assert client.get("/static/reviewer.js").status_code == 200


def test_saving_a_draft_keeps_it_and_says_so(client: TestClient, opened: Opened, app: App) -> None:
    token = opened.token_for(REVIEWER)
    text = "Första stycket.\r\n\r\nAndra stycket,\r\nmed en radbrytning."
    response = post(client, token, "draft", **{CONTENT: text})
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{token}?klar=utkast"
    page = client.get(response.headers["location"])
    assert "Utkastet är sparat." in page.text
    assert "Första stycket.\n\nAndra stycket,\nmed en radbrytning.</textarea>" in page.text
    state = invitation_state(app, REVIEWER)
    assert state.opened_at is not None
    assert state.draft_saved_at is not None
    assert state.submitted_at is None
    expected = {"innehall": "Första stycket.\n\nAndra stycket,\nmed en radbrytning."}
    assert state.versions == [(1, "draft", expected, False)]


def test_submit_without_a_required_answer_keeps_what_was_typed(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    response = post(client, token, "submit", **{CONTENT: "Mycket <viktig> text"})
    assert response.status_code == 422
    html = response.text
    assert "Besvara frågan innan du skickar in." in html
    assert 'aria-describedby="q-stallningstagande-error"' in html
    assert 'id="q-stallningstagande-error"' in html
    assert 'href="#q-stallningstagande"' in html
    assert "Mycket &lt;viktig&gt; text</textarea>" in html
    state = invitation_state(app, REVIEWER)
    assert state.versions == []
    assert state.opened_at is None


def test_submit_sends_a_receipt_with_a_copy_of_the_answers(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    response = post(
        client, token, "submit", **{POSITION: "Tillstyrker med synpunkter", CONTENT: "Bra."}
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Tack! Ditt svar är inskickat" in page.text
    state = invitation_state(app, REVIEWER)
    assert state.submitted_at is not None
    assert state.no_comments is False
    assert [(n, kind) for n, kind, _, _ in state.versions] == [(1, "submitted")]
    [receipt] = received(opened.catcher, REVIEWER, "Kvitto")
    assert "Mastocytos" in receipt.subject
    for part in (receipt.text(), receipt.html()):
        assert "Tillstyrker med synpunkter" in part
        assert "Synpunkter på kunskapsstödets innehåll" in part
        assert f"/r/{token}" in part  # the reviewer's own link, no new one made for it
    with app.sessions() as session:
        key = f"receipt:{state.id}:1"
        count = session.scalar(
            select(func.count()).select_from(Message).where(Message.idempotency_key == key)
        )
    assert count == 1


def test_a_submitted_answer_can_be_changed_and_every_version_is_kept(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    assert post(client, token, "submit", **{POSITION: "Tillstyrker"}).status_code == 303
    assert post(client, token, "draft", **{POSITION: "Avstyrker"}).status_code == 303
    assert post(client, token, "submit", **{POSITION: "Avstyrker"}).status_code == 303
    kinds = [(n, kind, values) for n, kind, values, _ in invitation_state(app, REVIEWER).versions]
    assert kinds == [
        (1, "submitted", {"stallningstagande": "Tillstyrker"}),
        (2, "draft", {"stallningstagande": "Avstyrker"}),
        (3, "submitted", {"stallningstagande": "Avstyrker"}),
    ]
    assert len(received(opened.catcher, REVIEWER, "Kvitto")) == 2


def test_a_double_submit_is_refused_and_changes_nothing(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    assert post(client, token, "submit", **{POSITION: "Tillstyrker"}).status_code == 303
    again = post(client, token, "submit", **{POSITION: "Tillstyrker"})
    assert again.status_code == 409
    assert "redan inskickat med exakt det här innehållet" in again.text
    assert len(invitation_state(app, REVIEWER).versions) == 1
    assert len(received(opened.catcher, REVIEWER, "Kvitto")) == 1


def test_no_comments_submits_in_one_step(client: TestClient, opened: Opened, app: App) -> None:
    token = opened.token_for(ANOTHER_REVIEWER)
    response = post(client, token, "no_comments", **{CONTENT: "ignoreras"})
    assert response.status_code == 303
    assert "Inga synpunkter" in client.get(response.headers["location"]).text
    state = invitation_state(app, ANOTHER_REVIEWER)
    assert state.no_comments is True
    assert state.versions == [(1, "submitted", {}, True)]
    [receipt] = received(opened.catcher, ANOTHER_REVIEWER, "Kvitto")
    assert "Inga synpunkter" in receipt.text()


def test_after_the_internal_deadline_the_page_is_read_only_and_posts_are_refused(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    form = client.get(f"/r/{token}")
    answer = {POSITION: "Tillstyrker", CONTENT: "Mitt svar."}
    assert post(client, token, "submit", **answer).status_code == 303
    clock.set_now(deadline_at(app, opened.round_id) + timedelta(minutes=1))
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    assert "Remissen är stängd för svar." in page.text
    assert "<p>Mitt svar.</p>" in page.text
    assert "<textarea" not in page.text
    assert ">Skicka in</button>" not in page.text
    for action in ("submit", "draft", "no_comments"):
        late = client.post(
            f"/r/{token}",
            data={"csrf_token": csrf_of(form.text), "action": action, POSITION: "Avstyrker"},
        )
        assert late.status_code == 409
        assert "Remissen är stängd för svar." in late.text
    state = invitation_state(app, REVIEWER)
    assert [values for _, _, values, _ in state.versions] == [
        {"stallningstagande": "Tillstyrker", "innehall": "Mitt svar."}
    ]


def test_a_late_answer_allowed_by_the_coordinator_goes_through_once(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    form = client.get(f"/r/{token}")
    clock.set_now(deadline_at(app, opened.round_id) + timedelta(days=1))
    with app.transaction() as session:
        invitation = session.get(Invitation, invitation_state(app, REVIEWER).id)
        assert invitation is not None
        invitation.late_allowed = True
    data = {"csrf_token": csrf_of(form.text), "action": "submit", POSITION: "Avstyrker"}
    assert client.post(f"/r/{token}", data=data, follow_redirects=False).status_code == 303
    assert invitation_state(app, REVIEWER).late_allowed is False
    data[POSITION] = "Tillstyrker"
    assert client.post(f"/r/{token}", data=data).status_code == 409
    assert len(invitation_state(app, REVIEWER).versions) == 1


def test_unknown_and_revoked_links_get_the_same_404(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    with app.transaction() as session:
        invitation = session.get(Invitation, invitation_state(app, REVIEWER).id)
        assert invitation is not None
        invitation.status = "revoked"
    revoked = client.get(f"/r/{token}")
    unknown = client.get("/r/" + "A" * 43)
    malformed = client.get("/r/not-a-token")
    assert revoked.status_code == unknown.status_code == malformed.status_code == 404
    assert revoked.text == unknown.text == malformed.text
    assert "Mastocytos" not in revoked.text


def test_a_posted_text_is_escaped_when_shown_again(client: TestClient, opened: Opened) -> None:
    token = opened.token_for(REVIEWER)
    post(client, token, "draft", **{CONTENT: "<script>alert(1)</script>"})
    page = client.get(f"/r/{token}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_text_typed_while_the_coordinator_closed_the_round_is_kept_on_the_page(
    client: TestClient, opened: Opened, app: App
) -> None:
    from remiss.yttrande.closing import close_round

    token = opened.token_for(REVIEWER)
    form = client.get(f"/r/{token}")
    with app.transaction() as session:  # the coordinator closes early, while they write
        close_round(session, app.settings, opened.round_id, "kansli@sosr.example.org")
    typed = "Ett långt svar som tog en timme att skriva.\n\nAndra stycket <b>med</b> markup."
    refused = client.post(
        f"/r/{token}",
        data={
            "csrf_token": csrf_of(form.text),
            "action": "submit",
            POSITION: "Avstyrker",
            CONTENT: typed,
        },
    )
    assert refused.status_code == 409
    text = refused.text
    assert "samordnaren stängde den 16 februari 2026" in text
    assert "före den interna svarsdagen 20 mars 2026" in text
    assert text.count("Remissen är stängd för svar") == 1  # said once, not twice
    assert "har passerat" not in text
    assert "Det du skrev" in text and "readonly" in text
    assert "Ett långt svar som tog en timme att skriva." in text
    assert "&lt;b&gt;med&lt;/b&gt;" in text and "<b>med</b>" not in text
    assert invitation_state(app, REVIEWER).versions == []
