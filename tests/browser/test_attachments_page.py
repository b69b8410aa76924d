"""Attaching files on a phone, in a real browser: a file that only claims to be Word comes
back refused with the answer still typed, a real Word file with tracked changes goes in with
the answer, and the coordinator reads its changes on the drafting page; axe finds nothing."""

from __future__ import annotations

from playwright.sync_api import Browser, FilePayload, ViewportSize, expect

from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import Live, assert_accessible, deliver
from tests.browser.test_accessibility import FRESH, OPEN_ROUND, link_of
from tests.browser.test_browser_drafting import log_in
from tests.word_files import DOCX_TYPE, closed, not_a_docx, tracked_docx

PHONE = ViewportSize(width=390, height=844)
TYPED = "Se ändringarna i filen <bifogad>."


def test_a_word_file_attached_on_a_phone_shows_its_changes_to_the_drafter(
    live: Live, browser: Browser
) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(OPEN_ROUND), "t")
    deliver(live)
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    page = context.new_page()
    page.goto(link_of(live, FRESH, "Mastocytos"))
    page.get_by_label("Tillstyrker med synpunkter").check()
    innehall = page.get_by_label("Synpunkter på kunskapsstödets innehåll")
    innehall.fill(TYPED)
    files = page.get_by_label("Bilagor (valfritt)")
    files.set_input_files(FilePayload(name="falsk.docx", mimeType=DOCX_TYPE, buffer=not_a_docx()))
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_text("är inte en riktig Word-fil").first).to_be_visible()
    assert innehall.input_value() == TYPED
    assert_accessible(page)

    payload = FilePayload(name="Synpunkter.docx", mimeType=DOCX_TYPE, buffer=tracked_docx())
    page.get_by_label("Bilagor (valfritt)").set_input_files(payload)
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_text("Tack! Ditt svar är inskickat.")).to_be_visible()
    expect(page.get_by_text("Synpunkter.docx")).to_be_visible()
    assert_accessible(page)

    closed(live.app, opened.round_id)
    log_in(live, page)
    page.goto(f"{live.url}/rounds/{opened.round_id}/utkast")
    section = page.get_by_role("region", name="Bilagor till svaren")
    expect(section.get_by_text("Vem ansvarar för <detta>?")).to_be_visible()
    expect(section.get_by_text("av Per Wallin")).to_be_visible()  # the deletion, by whom
    expect(section.get_by_role("link", name="Synpunkter.docx")).to_be_visible()
    assert_accessible(page)
    context.close()
