"""Hostile and broken input: control characters, ids beyond the database, YAML bombs.

Each gets a 4xx or is cleaned, never a 500, and nothing is half-written.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remiss.app import App
from remiss.core.models import AnswerVersion, Group, Round
from remiss.yttrande.closing import close_round
from tests.web.conftest import REVIEWER, Opened, csrf_of, invitation_state

BIG = 2**31
NUL_ANSWER = "Bra\x00 förslag\x07.\r\nMed\ttabb."

# 336 bytes that expand to half a million strings when walked.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdef", "bcdefg", strict=True)
)
HOSTILE_YAML = {
    "alias bomb": (ALIAS_BOMB, "för stor när alias räknas ut"),
    "recursive anchor": ("regions: &r [*r]\n", "pekar på sig självt"),
    "deep nesting": ("regions: " + "[" * 5000 + "]" * 5000 + "\n", "för djupt nästlad"),
    "list as a key": ("? [a, b]\n: 1\n", "en nyckel måste vara text"),
    "NUL": ("regions:\n  - {code: RJL\x00, name: X}\n", "U+0000"),
    "year zero": ("0000-00-00\n", "ogiltigt värde &#39;0000-00-00&#39;"),
    "year zero as a key": ("regions:\n  ? 0000-01-01\n  : 1\n", "ogiltigt värde"),
}


def test_control_characters_in_an_answer_are_dropped_and_the_round_compiles(
    client: TestClient, opened: Opened, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    page = client.get(f"/r/{token}")
    sent = client.post(
        f"/r/{token}",
        data={
            "csrf_token": csrf_of(page.text),
            "action": "submit",
            "q-stallningstagande": "Tillstyrker\x00",
            "q-innehall": NUL_ANSWER,
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert len(invitation_state(app, REVIEWER).versions) == 1
    with app.sessions() as session:
        stored = session.scalars(select(AnswerVersion.values)).one()
    assert stored["innehall"] == "Bra förslag.\nMed\ttabb."
    assert stored["stallningstagande"] == "Tillstyrker"
    with app.transaction() as session:
        compiled = close_round(session, app.settings, opened.round_id, "kansli@sosr.example.org")
    assert compiled.error is None and compiled.version == 1


def test_a_nul_in_the_login_form_is_a_calm_answer_not_a_server_error(
    client: TestClient, opened: Opened
) -> None:
    form = client.get("/login")
    response = client.post(
        "/login", data={"csrf_token": csrf_of(form.text), "email": "kansli@sosr\x00.example.org"}
    )
    assert response.status_code in {200, 422}


@pytest.mark.parametrize(
    "path",
    [
        f"/rounds/{BIG}",
        f"/rounds/{BIG}/sammanstallning.docx",
        f"/rounds/{BIG}/sammanstallning.pdf",
        f"/rounds/{BIG}/sammanstallning.html",
        f"/rounds/{BIG}/answers.csv",
        "/rounds/-1",
        "/rounds/ett",
    ],
)
def test_ids_the_database_cannot_hold_name_no_page(coordinator: TestClient, path: str) -> None:
    assert coordinator.get(path).status_code == 404


def test_posts_to_ids_beyond_the_database_name_no_page(
    coordinator: TestClient, opened: Opened
) -> None:
    csrf = csrf_of(coordinator.get(f"/rounds/{opened.round_id}").text)
    for path in (
        f"/rounds/{BIG}/close",
        f"/rounds/{BIG}/remind",
        f"/rounds/{BIG}/extend",
        f"/rounds/{opened.round_id}/invitations/{BIG}/resend",
        f"/rounds/{opened.round_id}/invitations/{BIG}/late",
        f"/rounds/{BIG}/yttrande",
        f"/rounds/{BIG}/yttrande/compile",
    ):
        assert coordinator.post(path, data={"csrf_token": csrf}).status_code == 404, path
    version = coordinator.get(f"/rounds/{opened.round_id}/sammanstallning.docx?version={BIG * 4}")
    assert version.status_code == 400


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_yaml_uploads_are_refused_naming_the_file_and_line(
    coordinator: TestClient, app: App, name: str
) -> None:
    text, reason = HOSTILE_YAML[name]
    with app.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Group))
    for page, target in (("/directory", "/directory"), ("/rounds/new", "/rounds/upload")):
        form = coordinator.get(page)
        files = {"file": ("fil.yaml", text.encode(), "application/x-yaml")}
        refused = coordinator.post(target, data={"csrf_token": csrf_of(form.text)}, files=files)
        assert refused.status_code == 422, (target, refused.text[:300])
        # The alias bomb at the line whose aliases reach too far, the rest where they begin.
        assert any(f"fil.yaml:{line}:" in refused.text for line in (1, 2, 5))
        assert reason in refused.text
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Group)) == before
        assert session.scalar(select(func.count()).select_from(Round)) == 0
