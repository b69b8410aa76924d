"""Files with answers on the reviewer's page: a Word file's tracked changes on the drafting
page, a file that is not what it claims and a sixth file refused with the text kept, and the
download for the round's coordinators and drafter only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from remiss.app import App
from remiss.core.models import AnswerAttachment, Invitation, Person, Round
from remiss.yttrande.render.layout import ATTACHED
from tests.mailcatcher import RunningCatcher
from tests.web.conftest import (
    ANOTHER_REVIEWER,
    REVIEWER,
    Opened,
    csrf_of,
    invitation_state,
    login,
    open_round,
)  # fmt: skip
from tests.web.test_drafting import PER, ROUND
from tests.web.test_yttrande_pages import docx_text
from tests.word_files import SHOWN, closed, not_a_docx, odt, pdf, tracked_docx
from tests.working import downloaded

TYPED = "Avsnitt 3 behöver <källor>."
FIELDS = {"q-stallningstagande": "Tillstyrker med synpunkter", "q-innehall": TYPED}


def send(
    client: TestClient, token: str, files: list[tuple[str, bytes]], action: str = "submit"
) -> Response:
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_of(page.text), "action": action, **FIELDS}
    parts = [("bilagor", (name, content, "application/octet-stream")) for name, content in files]
    return client.post(f"/r/{token}", data=data, files=parts, follow_redirects=False)


def test_a_word_file_attached_on_the_page_shows_its_changes_to_the_drafter(
    opened: Opened, coordinator: TestClient, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    sent = send(coordinator, token, [("Synpunkter.docx", tracked_docx()), ("bilaga.pdf", pdf())])
    assert sent.status_code == 303
    assert "Synpunkter.docx" in coordinator.get(f"/r/{token}").text
    assert invitation_state(app, REVIEWER, opened.round_id).submitted_at is not None

    closed(app, opened.round_id)
    page = coordinator.get(f"/rounds/{opened.round_id}/utkast").text
    assert "Bilagor till svaren" in page and "bilaga.pdf" in page
    for shown in SHOWN:
        assert shown in page
    memo = downloaded(coordinator, f"/rounds/{opened.round_id}/sammanstallning.html").text
    assert (
        f"{ATTACHED}:</span> Synpunkter.docx (Word, 2 kB; 3 spårade ändringar och kommentarer)"
        in memo
    )
    assert f"{ATTACHED}:</span> bilaga.pdf (PDF, 1 kB)" in memo
    word = downloaded(coordinator, f"/rounds/{opened.round_id}/sammanstallning.docx").content
    assert (
        f"{ATTACHED}: Synpunkter.docx (Word, 2 kB; 3 spårade ändringar och kommentarer)"
        in docx_text(word)
    )
    link = page.split('href="', page.index("Synpunkter.docx") - 200)
    url = next(part.split('"')[0] for part in link if "/bilagor/" in part.split('"')[0])
    file = coordinator.get(url)
    assert file.status_code == 200 and file.content == tracked_docx()
    assert file.headers["content-disposition"].startswith("attachment")
    assert file.headers["x-content-type-options"] == "nosniff"
    assert "Synpunkter.docx" in file.headers["content-disposition"]
    assert (
        coordinator.get(url.replace(f"/rounds/{opened.round_id}/", "/rounds/999/")).status_code
        == 404
    )


def test_a_file_that_is_not_what_it_claims_is_refused_with_the_text_kept(
    opened: Opened, client: TestClient, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    refused = send(client, token, [("Synpunkter.docx", not_a_docx())])
    assert refused.status_code == 422
    assert "är inte en riktig Word-fil" in refused.text
    assert "Avsnitt 3 behöver &lt;källor&gt;." in refused.text
    assert invitation_state(app, REVIEWER, opened.round_id).versions == []

    other = send(client, token, [("program.exe", b"MZ")], action="draft")
    assert other.status_code == 422 and "kan inte bifogas" in other.text


def test_a_sixth_file_is_refused_with_the_text_kept(
    opened: Opened, client: TestClient, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    five = [(f"del-{n}.pdf", pdf()) for n in range(4)] + [("del-5.odt", odt())]
    assert send(client, token, five, action="draft").status_code == 303
    sixth = send(client, token, [("del-6.pdf", pdf())])
    assert sixth.status_code == 422
    assert "högst 5 bilagor, och det har redan 5" in sixth.text
    assert "Avsnitt 3 behöver &lt;källor&gt;." in sixth.text
    assert invitation_state(app, REVIEWER, opened.round_id).submitted_at is None


def test_a_file_over_20_mb_and_a_form_over_its_limit_come_back_with_the_text_kept(
    opened: Opened, client: TestClient, app: App
) -> None:
    token = opened.token_for(REVIEWER)
    large = b"%PDF-" + b"0" * (20 * 1024 * 1024)
    refused = send(client, token, [("stor.pdf", large)])
    assert refused.status_code == 422 and "större än 20 MB" in refused.text
    assert "Avsnitt 3 behöver &lt;källor&gt;." in refused.text
    # Beyond what a form with files may hold, it is read as far as its last whole part.
    six = [(f"del-{n}.pdf", large[: 18 * 1024 * 1024]) for n in range(6)]
    cut = send(client, token, six)
    assert cut.status_code == 413 and "Inget sparades" in cut.text
    assert "Avsnitt 3 behöver &lt;källor&gt;." in cut.text
    assert invitation_state(app, REVIEWER, opened.round_id).versions == []


def test_a_form_with_files_still_needs_its_csrf_token(opened: Opened, client: TestClient) -> None:
    token = opened.token_for(REVIEWER)
    client.get(f"/r/{token}")
    parts = [("bilagor", ("bilaga.pdf", pdf(), "application/pdf"))]
    data = {"action": "submit", **FIELDS}
    assert client.post(f"/r/{token}", data=data, files=parts).status_code == 403


def file_urls(app: App, round_id: int) -> list[str]:
    with app.sessions() as session:
        ids = session.scalars(
            select(AnswerAttachment.id).join(Invitation).where(Invitation.round_id == round_id)
        )
        return [f"/rounds/{round_id}/bilagor/{n}" for n in ids]


def make_drafter(app: App, round_id: int, email: str) -> None:
    with app.transaction() as session:
        person = session.scalars(select(Person).where(Person.email == email)).one()
        round_ = session.get(Round, round_id)
        assert round_ is not None
        round_.drafter_id = person.id


def test_only_the_rounds_coordinators_and_drafter_download_a_file(
    opened: Opened, client: TestClient, smtp: RunningCatcher, app: App
) -> None:
    theirs = open_round(app, ROUND)
    for round_id, email in ((opened.round_id, REVIEWER), (theirs, PER)):
        token = Opened(round_id, smtp.catcher).token_for(email)
        assert send(client, token, [("Synpunkter.docx", tracked_docx())]).status_code == 303
    [other], [own] = file_urls(app, opened.round_id), file_urls(app, theirs)
    assert client.get(other, follow_redirects=False).status_code == 303  # to log in first

    make_drafter(app, theirs, ANOTHER_REVIEWER)  # Ylva Forsberg drafts the other round only
    login(client, smtp.catcher, ANOTHER_REVIEWER)
    assert client.get(other).status_code == 404
    assert client.get(own.replace(f"/{theirs}/", f"/{opened.round_id}/")).status_code == 404
    assert client.get(other.replace(f"/{opened.round_id}/", f"/{theirs}/")).status_code == 404
    mine = client.get(own)
    assert mine.status_code == 200 and mine.content == tracked_docx()
    assert mine.headers["content-disposition"].startswith("attachment")
