"""Forwarding on a phone with a mistyped address, in a real browser: the answer typed
before it stays in its field, the summary of what to fix is at the top with focus (so the
phone shows it), its link leads to the field, and Enter there forwards with the text."""

from __future__ import annotations

from playwright.sync_api import Browser, ViewportSize, expect

from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import Live, assert_accessible, deliver
from tests.browser.test_accessibility import FRESH, OPEN_ROUND, link_of
from tests.web.conftest import invitation_state

PHONE = ViewportSize(width=390, height=844)
COLLEAGUE = "maria.lind@rjl.example.org"
TYPED = "Avsnitt 3 saknar barnperspektivet.\nSe även bilaga 2 <och> & mer."


def test_a_mistyped_address_keeps_the_answer_and_shows_what_to_fix_first(
    live: Live, browser: Browser
) -> None:
    with live.app.transaction() as session:
        rounds.open_rounds(session, live.app.settings, roundspec.loads(OPEN_ROUND), "t")
    deliver(live)
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    page = context.new_page()
    page.goto(link_of(live, FRESH, "Mastocytos"))
    innehall = page.get_by_label("Synpunkter på kunskapsstödets innehåll")
    innehall.fill(TYPED)
    page.get_by_text("Vidarebefordra till en kollega").click()
    page.get_by_label("Kollegans namn").fill("Maria Lind")
    page.get_by_label("Kollegans e-postadress").fill("maria.lind@rjl")
    page.get_by_label("Flytta med mitt utkast").check()
    page.get_by_role("button", name="Vidarebefordra", exact=True).click()

    summary = page.get_by_role("alert").filter(has_text="Remissen är inte vidarebefordrad")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert innehall.input_value() == TYPED
    expect(page.get_by_label("Kollegans e-postadress")).to_have_value("maria.lind@rjl")
    assert_accessible(page)

    # The summary's link puts the cursor in the field to fix; Enter there forwards.
    summary.get_by_role("link", name="Skriv en giltig e-postadress.").click()
    address = page.get_by_label("Kollegans e-postadress")
    expect(address).to_be_focused()
    address.fill(COLLEAGUE)
    address.press("Enter")
    expect(page.get_by_text("Remissen är vidarebefordrad.")).to_be_visible()
    [(_, kind, values, _)] = invitation_state(live.app, COLLEAGUE).versions
    assert kind == "draft" and values == {"innehall": TYPED}
    context.close()
