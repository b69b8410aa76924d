"""Forwarding a remiss to a colleague from the reviewer's page."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from remiss.app import App
from remiss.core import clock
from remiss.core.models import AuditEvent, Person
from tests.web.conftest import (
    ANOTHER_REVIEWER,
    REVIEWER,
    Opened,
    csrf_of,
    deadline_at,
    invitation_state,
)

COLLEAGUE = "maria.lind@rjl.example.org"


def forward(
    client: TestClient, token: str, name: str, email: str, move_draft: bool = False
) -> httpx.Response:
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "name": name, "email": email}
    if move_draft:
        data["move_draft"] = "1"
    return client.post(f"/r/{token}/vidarebefordra", data=data, follow_redirects=False)


def save_draft(client: TestClient, token: str, text: str) -> None:
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "action": "draft", "q-innehall": text}
    assert client.post(f"/r/{token}", data=data, follow_redirects=False).status_code == 303


def test_forwarding_invites_the_colleague_and_retires_the_old_link(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    before = client.get(f"/r/{token}")
    response = forward(client, token, "Maria Lind", "Maria.Lind@rjl.example.org")
    assert response.status_code == 303
    assert "vidarebefordrad" in client.get(response.headers["location"]).text

    [mail] = opened.catcher.to(COLLEAGUE)
    assert "Fredrik Jönsson har vidarebefordrat en remiss till dig." in mail.text()
    assert "Du svarar i stället för Fredrik Jönsson (RPO Sällsynta sjukdomar)." in mail.text()
    assert "som medlem i" not in mail.text()
    # The one who forwarded is told to whom it went.
    [note] = [m for m in opened.catcher.to(REVIEWER) if m.subject.startswith("Vidarebefordrad:")]
    assert "till Maria Lind (maria.lind@rjl.example.org)" in note.text()
    assert note.tokens() == []
    new_token = mail.tokens()[0]
    colleague_page = client.get(f"/r/{new_token}")
    assert colleague_page.status_code == 200
    assert "RPO Sällsynta sjukdomar" in colleague_page.text

    old = invitation_state(app, REVIEWER)
    new = invitation_state(app, COLLEAGUE)
    assert old.status == "forwarded"
    assert new.status == "active"
    assert new.forwarded_from_id == old.id
    assert new.versions == []
    with app.sessions() as session:
        person = session.scalars(select(Person).where(Person.email == COLLEAGUE)).one()
        assert person.external is True
        assert person.active is True
        assert person.region is not None and person.region.code == "RJL"
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.invitation_id == old.id)
        ).all()
        assert "invitation.forward" in events

    old_page = client.get(f"/r/{token}")
    assert old_page.status_code == 200
    assert "Du har vidarebefordrat remissen till Maria Lind." in old_page.text
    assert "<textarea" not in old_page.text
    refused = client.post(
        f"/r/{token}",
        data={"csrf_token": csrf_of(before.text), "action": "draft", "q-innehall": "x"},
    )
    assert refused.status_code == 409
    assert invitation_state(app, REVIEWER).versions == []


def test_the_draft_moves_along_only_when_asked(
    client: TestClient, opened: Opened, app: App
) -> None:
    save_draft(client, opened.token_for(REVIEWER), "Mitt utkast")
    save_draft(client, opened.token_for(ANOTHER_REVIEWER), "Ylvas utkast")
    assert (
        forward(client, opened.token_for(REVIEWER), "Maria Lind", COLLEAGUE, True).status_code
        == 303
    )
    assert (
        forward(
            client, opened.token_for(ANOTHER_REVIEWER), "Bo Ek", "bo.ek@rjl.example.org"
        ).status_code
        == 303
    )
    moved = invitation_state(app, COLLEAGUE)
    assert moved.versions == [(1, "draft", {"innehall": "Mitt utkast"}, False)]
    assert moved.draft_saved_at is not None
    assert invitation_state(app, "bo.ek@rjl.example.org").versions == []
    page = client.get(f"/r/{opened.catcher.to(COLLEAGUE)[-1].tokens()[0]}")
    assert "Mitt utkast</textarea>" in page.text


def test_forwarding_to_oneself_is_refused(client: TestClient, opened: Opened, app: App) -> None:
    response = forward(client, opened.token_for(REVIEWER), "Jag", REVIEWER)
    assert response.status_code == 422
    assert "till dig själv" in response.text
    assert 'aria-describedby="forward-email-error"' in response.text
    assert invitation_state(app, REVIEWER).status == "active"


def test_forwarding_to_someone_already_invited_is_refused(
    client: TestClient, opened: Opened, app: App
) -> None:
    response = forward(client, opened.token_for(REVIEWER), "Ylva", ANOTHER_REVIEWER)
    assert response.status_code == 422
    assert "redan inbjuden" in response.text
    assert 'value="Ylva"' in response.text
    assert invitation_state(app, REVIEWER).status == "active"


def test_forwarding_needs_a_name_and_an_address(client: TestClient, opened: Opened) -> None:
    token = opened.token_for(REVIEWER)
    assert "Skriv kollegans namn." in forward(client, token, " ", COLLEAGUE).text
    assert "Skriv en giltig e-postadress." in forward(client, token, "Maria", "maria@").text
    assert opened.catcher.to(COLLEAGUE) == []


def test_forwarding_after_the_deadline_is_refused(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    clock.set_now(deadline_at(app, opened.round_id) + timedelta(hours=1))
    response = client.post(
        f"/r/{token}/vidarebefordra",
        data={"csrf_token": csrf_of(page.text), "name": "Maria Lind", "email": COLLEAGUE},
    )
    assert response.status_code == 409
    assert "stängd" in response.text
    assert invitation_state(app, REVIEWER).status == "active"
    assert opened.catcher.to(COLLEAGUE) == []


def test_a_late_answer_allowed_to_the_forwarder_goes_with_the_forward(
    client: TestClient, opened: Opened, app: App
) -> None:
    from remiss.core.models import Invitation
    from remiss.reviewers import answers
    from remiss.reviewers.page import is_editable

    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    with app.transaction() as session:
        invitation = session.get(Invitation, invitation_state(app, REVIEWER).id)
        assert invitation is not None
        invitation.late_allowed = True
    clock.set_now(deadline_at(app, opened.round_id) + timedelta(hours=1))
    response = client.post(
        f"/r/{token}/vidarebefordra",
        data={"csrf_token": csrf_of(page.text), "name": "Maria Lind", "email": COLLEAGUE},
        follow_redirects=False,
    )
    assert response.status_code == 303
    from remiss.app import deliver_outbox

    deliver_outbox(app)
    [mail] = opened.catcher.to(COLLEAGUE)
    [colleague_token] = mail.tokens()
    with app.sessions() as session:
        invitation = answers.find(session, colleague_token)
        assert invitation.late_allowed
        assert is_editable(invitation, invitation.round)
