"""The round page's letter details: Vår referens and the recipient changed after opening,
a departementsremiss opened by the form and asked its own questions, its yttrande's file."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App
from remiss.core import clock
from remiss.core.models import AuditEvent, Round
from tests.web.conftest import REVIEWER, Opened, csrf_of, open_round, received
from tests.working import downloaded

KINDS_RECIPIENT = "registrator@socialstyrelsen.example.org"  # the NHV kind's, in the directory
MINISTRY_ROUND = """
reference: S2026/04512
title: "Framtidens hälso- och sjukvård (SOU 2026:12)"
kind: SOU
issuer: Socialdepartementet
areas: [sallsynta-sjukdomar]
opens: 2026-02-16
deadline: 2026-05-29
coordinator: kansli@sosr.example.org
"""


def details_of(app: App, round_id: int) -> tuple[str | None, str | None, list[dict[str, object]]]:
    with app.sessions() as session:
        round_ = session.get_one(Round, round_id)
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.round_id == round_id, AuditEvent.action == "round.set")
            .order_by(AuditEvent.id)
        )
        return round_.our_reference, round_.recipient, [dict(e.detail) for e in events]


def post_details(client: TestClient, round_id: int, **fields: str) -> str:
    """Send the round page's form; the page it leads back to."""
    page = client.get(f"/rounds/{round_id}")
    data = {"csrf_token": csrf_of(page.text), **fields}
    response = client.post(f"/rounds/{round_id}/details", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/rounds/{round_id}#uppgifter"
    return client.get(f"/rounds/{round_id}").text


def test_the_round_page_changes_our_reference_and_the_recipient(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    page = coordinator.get(f"/rounds/{opened.round_id}").text
    assert f'action="/rounds/{opened.round_id}/details"' in page
    assert '<label for="details-recipient">' in page
    assert details_of(app, opened.round_id) == (None, KINDS_RECIPIENT, [])
    shown = post_details(
        coordinator, opened.round_id, our_reference="SÖSR-2026-099",
        recipient="NHV@Socialstyrelsen.example.org",
    )  # fmt: skip
    assert (
        "Ändrat: Vår referens: tom → SÖSR-2026-099; "
        f"Mottagare: {KINDS_RECIPIENT} → nhv@socialstyrelsen.example.org." in shown
    )
    assert 'value="nhv@socialstyrelsen.example.org"' in shown
    assert "Vår referens ändrad till SÖSR-2026-099" in shown  # the timeline
    assert "Mottagare ändrad till nhv@socialstyrelsen.example.org" in shown
    ours, recipient, events = details_of(app, opened.round_id)
    assert (ours, recipient) == ("SÖSR-2026-099", "nhv@socialstyrelsen.example.org")
    assert events == [
        {"field": "our_reference", "before": None, "after": "SÖSR-2026-099"},
        {"field": "recipient", "before": KINDS_RECIPIENT,
         "after": "nhv@socialstyrelsen.example.org"},
    ]  # fmt: skip
    # The same values again change nothing and audit nothing.
    again = post_details(
        coordinator, opened.round_id, our_reference="SÖSR-2026-099",
        recipient="nhv@socialstyrelsen.example.org",
    )  # fmt: skip
    assert "Inget ändrades: uppgifterna var desamma." in again
    assert len(details_of(app, opened.round_id)[2]) == 2


def test_a_bad_address_changes_nothing_and_says_why(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    shown = post_details(
        coordinator, opened.round_id, our_reference="SÖSR-2026-100", recipient="registrator"
    )
    assert "Inget ändrades: mottagaren ska vara en e-postadress, inte &#39;registrator&#39;." in (
        shown
    )
    assert details_of(app, opened.round_id) == (None, KINDS_RECIPIENT, [])


def test_a_form_without_its_token_is_refused(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    response = coordinator.post(
        f"/rounds/{opened.round_id}/details", data={"our_reference": "X"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert details_of(app, opened.round_id) == (None, KINDS_RECIPIENT, [])


def test_a_sent_round_has_no_form_and_refuses_a_change(
    coordinator: TestClient, opened: Opened, app: App
) -> None:
    page = coordinator.get(f"/rounds/{opened.round_id}")
    with app.transaction() as session:
        session.get_one(Round, opened.round_id).sent_at = clock.now()
    assert (
        f'action="/rounds/{opened.round_id}/details"'
        not in coordinator.get(f"/rounds/{opened.round_id}").text
    )
    refused = coordinator.post(
        f"/rounds/{opened.round_id}/details",
        data={"csrf_token": csrf_of(page.text), "our_reference": "X"},
    )
    assert refused.status_code == 409
    assert "yttrandet är redan skickat; en skickad remiss ändras inte" in refused.text
    assert details_of(app, opened.round_id) == (None, KINDS_RECIPIENT, [])


def test_a_departementsremiss_opened_by_the_form_asks_its_own_questions(
    coordinator: TestClient, sample_directory: App, smtp: object
) -> None:
    form = coordinator.get("/rounds/new")
    assert '<option value="" selected>Typens frågemall' in form.text
    data = {
        "csrf_token": csrf_of(form.text), "reference": "S2026/04512",
        "title": "Framtidens hälso- och sjukvård (SOU 2026:12)", "kind": "departementsremiss",
        "issuer": "Socialdepartementet", "areas": ["sallsynta-sjukdomar"],
        "deadline": "2026-05-29", "internal_deadline": "2026-04-30", "questions": "",
        "coordinator": "kansli@sosr.example.org",
    }  # fmt: skip
    response = coordinator.post("/rounds/new", data=data, follow_redirects=False)
    assert response.status_code == 303
    catcher = smtp.catcher  # type: ignore[attr-defined]
    [invitation] = received(catcher, REVIEWER, "Remiss: Framtidens hälso- och sjukvård")
    page = coordinator.get(f"/r/{invitation.tokens()[0]}").text
    assert "<legend>Tillstyrker ni förslagen i betänkandet?" in page
    for question in ("Sammanfattning", "Synpunkter per avsnitt (ange betänkandets avsnittsnummer",
                     "Konsekvenser", "Övrigt", "Tillstyrker med följande synpunkter"):  # fmt: skip
        assert question in page
    assert "kunskapsstödet" not in page


def test_a_departementsremiss_yttrande_is_named_by_dnr_and_organisation(
    coordinator: TestClient, sample_directory: App
) -> None:
    round_id = open_round(sample_directory, MINISTRY_ROUND)
    word = downloaded(coordinator, f"/rounds/{round_id}/yttrande.docx")
    assert word.status_code == 200
    disposition = word.headers["content-disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == (
        "S2026_04512_Sydöstra_sjukvårdsregionen-yttrande.docx"
    )
    html = downloaded(coordinator, f"/rounds/{round_id}/yttrande.html").text
    assert (
        "Yttrande över remiss: Framtidens hälso- och sjukvård (SOU 2026:12) (S2026/04512)" in html
    )
