"""Files sent with a reply: a Word file with tracked changes becomes part of the draft, and
once the answer is submitted the drafter reads its changes without opening it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from remiss.app import App
from remiss.inbound import listener
from remiss.usecases.worker import Worker
from tests.inbound.conftest import reply, send
from tests.inbound.test_replies import reply_address
from tests.web.conftest import REVIEWER, Opened, csrf_of, invitation_state, received
from tests.word_files import DOCX_TYPE, SHOWN, closed, not_a_docx, tracked_docx


def test_a_word_file_sent_by_reply_shows_its_changes_on_the_drafting_page(
    opened: Opened, app: App, listening: listener.Listening, coordinator: TestClient
) -> None:
    message = reply(reply_address(opened.catcher, REVIEWER), "Se mina ändringar i filen.")
    message.add_attachment(
        tracked_docx(), maintype="application", subtype=DOCX_TYPE.split("/")[1],
        filename="Remissversion med ändringar.docx",
    )  # fmt: skip
    message.add_attachment(not_a_docx(), maintype="application", subtype="octet-stream",
                           filename="falsk.docx")  # fmt: skip
    send(listening.port, message)
    Worker(app).drain()
    [told] = received(opened.catcher, REVIEWER, "Ditt svar är sparat som utkast")
    said = " ".join(told.text().split())
    assert "Bifogade filer, sparade med utkastet: Remissversion med ändringar.docx" in said
    assert "Filer som inte sparades: falsk.docx." in said

    state = invitation_state(app, REVIEWER, opened.round_id)
    assert [kind for _n, kind, _v, _c in state.versions] == ["draft"]
    token = opened.token_for(REVIEWER)
    page = coordinator.get(f"/r/{token}").text
    assert "Remissversion med ändringar.docx" in page and "falsk.docx" not in page

    data = {"csrf_token": csrf_of(page), "action": "submit",
            "q-stallningstagande": "Tillstyrker med synpunkter",
            "q-innehall": "Se mina ändringar i filen."}  # fmt: skip
    assert coordinator.post(f"/r/{token}", data=data, follow_redirects=False).status_code == 303
    closed(app, opened.round_id)
    drafting = coordinator.get(f"/rounds/{opened.round_id}/utkast").text
    assert "Remissversion med ändringar.docx" in drafting
    for shown in SHOWN:
        assert shown in drafting
