"""A reviewer and a coordinator work a round in a real browser, with real mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Browser, Page, expect

from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import COORDINATOR, Live, assert_accessible, deliver

REVIEWER = "fredrik.jonsson@rjl.example.org"
ROUND = """
reference: BROWSER-1
title: Bröstcancer, nationellt vårdprogram
issuer: RCC i samverkan
areas: [sallsynta-sjukdomar]
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
documents:
  - {title: Remissversion, url: "https://example.org/remissversion.pdf"}
"""
LOGIN_LINK = re.compile(r"^(https?://\S+/login/[A-Za-z0-9_-]{43})\r?$", re.MULTILINE)


def mails(live: Live, email: str, subject: str) -> list[Any]:
    return [m for m in live.catcher.to(email) if subject in m.subject]


def test_a_reviewer_saves_a_draft_submits_and_gets_a_receipt(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:
        rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "test")
    deliver(live)
    [invitation] = mails(live, REVIEWER, "Bröstcancer")
    [link] = invitation.links()
    assert link.startswith(live.url)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bröstcancer, nationellt vårdprogram")
    shoot(page, "reviewer-page-phone")
    assert_accessible(page)

    position = page.get_by_role("group", name="Ställer ni er bakom kunskapsstödet?")
    position.get_by_label("Tillstyrker med synpunkter", exact=True).check()
    content = page.get_by_label("Synpunkter på kunskapsstödets innehåll")
    content.fill("Första stycket.\n\nAndra stycket.")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status").first).to_contain_text("Utkastet är sparat.")

    page.reload()
    expect(page.get_by_label("Synpunkter på kunskapsstödets innehåll")).to_have_value(
        "Första stycket.\n\nAndra stycket."
    )
    expect(position.get_by_label("Tillstyrker med synpunkter", exact=True)).to_be_checked()

    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_text("Tack! Ditt svar är inskickat.")).to_be_visible()
    shoot(page, "reviewer-submitted")
    assert_accessible(page)
    receipt = live.catcher.wait_for(lambda: mails(live, REVIEWER, "Kvitto"), "the receipt")
    assert "Andra stycket." in receipt[0].text()  # type: ignore[index]
    context.close()


def test_a_coordinator_logs_in_opens_a_round_and_follows_the_answers(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live.url}/")
    expect(page).to_have_url(f"{live.url}/login")
    assert_accessible(page)
    page.get_by_label("E-postadress").fill(COORDINATOR)
    page.get_by_role("button", name="Skicka inloggningslänk").click()
    expect(
        page.get_by_text("Om adressen är behörig har en inloggningslänk skickats")
    ).to_be_visible()

    login_mail = live.catcher.wait_for(
        lambda: mails(live, COORDINATOR, "inloggningslänk"), "the login link"
    )
    match = LOGIN_LINK.search(login_mail[0].text())  # type: ignore[index]
    assert match
    page.goto(match.group(1))
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Remisser")).to_be_visible()

    page.get_by_role("link", name="Öppna remiss").first.click()
    page.get_by_label("Er referens").fill("BROWSER-2")
    page.get_by_label("Titel").fill("Astma, personcentrerat och sammanhållet vårdförlopp")
    page.get_by_label("Avsändare").fill("Nationellt system för kunskapsstyrning")
    page.get_by_label("Sällsynta sjukdomar", exact=True).check()
    page.get_by_label("Nationell sista svarsdag").fill("2026-04-14")
    page.get_by_label("Intern svarsdag").fill("2026-03-20")
    shoot(page, "dashboard-new-round")
    assert_accessible(page)
    page.get_by_role("button", name="Öppna remissen och skicka inbjudningar").click()
    expect(page.get_by_role("status")).to_contain_text("Remissen är öppnad.")
    reviewer_state = page.locator(f'.matrix [data-email="{REVIEWER}"] .state')
    expect(reviewer_state).to_have_text("Ej öppnad")

    invitation = live.catcher.wait_for(lambda: mails(live, REVIEWER, "Astma"), "the invitation")
    [link] = invitation[0].links()  # type: ignore[index]
    reviewer = browser.new_context(locale="sv-SE").new_page()
    reviewer.goto(link)
    reviewer.wait_for_load_state("networkidle")  # the page's script reports it was opened
    page.reload()
    expect(reviewer_state).to_have_text("Öppnad")
    reviewer.get_by_role("button", name="Inga synpunkter").click()
    expect(reviewer.get_by_text("Du har svarat ”Inga synpunkter”")).to_be_visible()
    reviewer.context.close()

    page.reload()
    expect(reviewer_state).to_have_text("Inga synpunkter")
    expect(page.locator("#answered-count")).to_have_text("1 av 6")
    shoot(page, "dashboard-round")
    assert_accessible(page)
    page.get_by_role("link", name="Remisser").first.click()
    expect(page.get_by_role("row", name=re.compile("BROWSER-2"))).to_contain_text("1 / 6")
    shoot(page, "dashboard-rounds")
    assert_accessible(page)
    context.close()
