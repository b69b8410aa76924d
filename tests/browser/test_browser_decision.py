"""The decision approves one text, and what was sent is final: as a coordinator clicks it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from remiss.core.models import Round
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from remiss.yttrande import drafts, sending
from tests.browser.conftest import Live, assert_accessible
from tests.browser.test_browser_drafting import ROUND, answer_and_close, log_in, mails


def test_a_change_after_the_decision_voids_it_and_a_sent_round_offers_no_way_back(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    round_id = opened.round_id
    answer_and_close(live, round_id)
    with live.app.transaction() as session:
        round_ = session.get_one(Round, round_id)
        assert round_.drafter is not None
        drafts.save(session, live.app.settings, round_id, round_.drafter.email,
                    {"stallningstagande": "Tillstyrker"}, {}, hand_over=True)  # fmt: skip

    page = browser.new_context(locale="sv-SE").new_page()
    log_in(live, page)
    page.goto(f"{live.url}/rounds/{round_id}")
    # Collecting is over: the page offers no way back to it.
    expect(page.get_by_text("Insamlingen är avslutad och öppnas inte igen")).to_be_visible()
    expect(page.get_by_role("button", name="Förläng")).to_have_count(0)
    expect(page.get_by_role("button", name="Skicka påminnelse nu")).to_have_count(0)
    expect(page.get_by_role("button", name="Skicka…")).to_have_count(0)  # not decided yet
    page.get_by_label("Beslutat av").fill("Samverkansnämndens presidium")
    page.get_by_label("Punkt eller paragraf i protokollet (valfri)").fill("punkt 7")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status").first).to_contain_text("Beslutet är registrerat")

    # The coordinator changes the text after the decision: the decision no longer holds.
    page.goto(f"{live.url}/rounds/{round_id}/utkast")
    expect(page.get_by_text("Version 1 är beslutad. Sparar du en ny version")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gemensam text om ställningstagandet (valfri)").fill("Ett tillägg.")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status").first).to_contain_text("version 2")
    page.goto(f"{live.url}/rounds/{round_id}")
    expect(page.get_by_text("Beslutet gäller inte längre.")).to_be_visible()
    expect(page.get_by_role("button", name="Skicka…")).to_have_count(0)
    assert_accessible(page)
    shoot(page, "round-decision-voided")

    page.get_by_role("button", name="Registrera beslutet").click()
    page.get_by_label("Mottagare", exact=True).fill("registrator@rcc.example.org")
    page.get_by_role("button", name="Skicka…").click()
    page.get_by_role("button", name="Skicka till registrator@rcc.example.org").click()
    expect(page.get_by_role("status").first).to_contain_text("Yttrandet skickas till")
    live.catcher.wait_for(
        lambda: mails(live, "registrator@rcc.example.org", "BROWSER-3"), "the yttrande"
    )
    page.reload()
    expect(page.get_by_text("Filerna ovan är de som skickades, byte för byte")).to_be_visible()
    expect(page.get_by_role("button", name="Registrera beslutet")).to_have_count(0)
    assert_accessible(page)

    # The register links the files that were sent, byte for byte.
    page.goto(f"{live.url}/register")
    with page.expect_download() as download:
        page.get_by_role("link", name="Skickat yttrande BROWSER-3 som PDF").click()
    with live.app.sessions() as session:
        kept = sending.sent_files(session, round_id)
        assert kept is not None
        assert download.value.path().read_bytes() == kept.pdf
    assert_accessible(page)

    # The drafting page shows what was sent, and no button changes it.
    page.goto(f"{live.url}/rounds/{round_id}/utkast")
    expect(page.get_by_text("Yttrandet är skickat")).to_be_visible()
    expect(page.get_by_role("button", name="Spara utkast")).to_have_count(0)
    expect(page.get_by_role("button", name="Lämna till samordnaren")).to_have_count(0)
    assert_accessible(page)
    page.context.close()
