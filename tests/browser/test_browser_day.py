"""A coordinator's and a reviewer's day without surprises, in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from remiss.core import clock
from remiss.core.models import Round
from remiss.rounds import opening as rounds
from remiss.rounds import spec as roundspec
from tests.browser.conftest import Live, assert_accessible, deliver
from tests.browser.test_browser_drafting import log_in, mails

ROUND = """
reference: DAY-1
title: Astma, personcentrerat och sammanhållet vårdförlopp
issuer: Nationellt system för kunskapsstyrning
areas: [sallsynta-sjukdomar]
deadline: 2026-04-14
internal_deadline: 2026-03-20
coordinator: kansli@sosr.example.org
"""
WRITER = "fredrik.jonsson@rjl.example.org"
LATE = "ylva.forsberg@rjl.example.org"


def test_actions_ask_text_is_kept_and_a_late_answer_is_mailed(
    live: Live, browser: Browser, shoot: Callable[[Page, str], None]
) -> None:
    with live.app.transaction() as session:
        [opened] = rounds.open_rounds(session, live.app.settings, roundspec.loads(ROUND), "t")
    deliver(live)
    [invitation] = mails(live, WRITER, "Astma")
    writer = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE").new_page()
    writer.goto(invitation.links()[-1])
    writer.get_by_label("Synpunkter på kunskapsstödets innehåll").fill("En timmes arbete.")

    coordinator = browser.new_context(locale="sv-SE").new_page()
    log_in(live, coordinator)
    expect(coordinator.locator("svg.bar").first).to_be_visible()  # the response bar
    coordinator.goto(f"{live.url}/rounds/{opened.round_id}")
    # Closing asks first, saying how many have not answered.
    coordinator.get_by_role("button", name="Stäng remissen").click()
    expect(coordinator.get_by_role("heading", name="Stäng remissen nu?")).to_be_visible()
    expect(coordinator.get_by_text("6 av de tillfrågade har inte svarat")).to_be_visible()
    coordinator.get_by_role("button", name="Ja, gör det").click()
    expect(coordinator.get_by_role("status").first).to_contain_text("Remissen är stängd för svar.")

    # The reviewer who was writing presses Skicka in: their text stays, to copy.
    writer.get_by_role("group", name="Ställer ni er bakom kunskapsstödet?").get_by_label(
        "Tillstyrker", exact=True
    ).check()
    writer.get_by_role("button", name="Skicka in").click()
    expect(writer.get_by_text("samordnaren stängde den")).to_be_visible()
    expect(writer.get_by_label("Synpunkter på kunskapsstödets innehåll")).to_have_value(
        "En timmes arbete."
    )
    assert_accessible(writer)
    shoot(writer, "reviewer-closed-while-writing-phone")

    # Allowing a late answer asks, then mails the person their link.
    with live.app.sessions() as session:
        round_ = session.get(Round, opened.round_id)
        assert round_ is not None
        clock.set_now(round_.internal_deadline_at + timedelta(hours=1))
    log_in(live, coordinator)  # weeks later: the session has long ended
    coordinator.goto(f"{live.url}/rounds/{opened.round_id}")
    coordinator.get_by_role("button", name="Tillåt ett sent svar från Ylva Forsberg").click()
    expect(coordinator.get_by_role("heading", name="Tillåt ett sent svar?")).to_be_visible()
    coordinator.get_by_role("button", name="Ja, gör det").click()
    expect(coordinator.get_by_role("status").first).to_contain_text(
        "har fått ett mejl med sin länk"
    )
    late = live.catcher.wait_for(lambda: mails(live, LATE, "Du kan svara sent"), "the late link")
    writer.goto(late[0].links()[-1])
    expect(writer.get_by_text("Samordnaren har öppnat för att du skickar in")).to_be_visible()

    # The answers as CSV: one row per person.
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Alla svar (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("referens;grupper;region;namn;e-post;roll;inskickat")
